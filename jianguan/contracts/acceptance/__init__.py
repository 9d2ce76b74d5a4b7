"""Quality acceptance (质量验收) from inspection lot to completion: 《建设工程质量管理条例》第三十七条、第四十九条 and 《北京市建设工程质量条例》."""
