"""Variations (工程变更) and site instructions (现场签证): 《政府投资条例》第二十一条、第二十三条 and the district's 变更管理 rules."""
