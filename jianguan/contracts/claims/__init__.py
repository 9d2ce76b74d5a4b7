"""Payment claims (进度款), their double review (双审双控) and payments: 财建〔2022〕183号 and 《建设工程质量管理条例》第三十七条."""
