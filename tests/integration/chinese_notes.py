"""Short Chinese technical notes (word segmentation, sentiment, pinyin, script conversion) for
the cross-language tests: what an English question must find without a shared word."""

NOTES = {
    "notes-1.txt": "分词：用自己的语料训练分词模型，训练完成后保存模型文件，再载入新的模型。",
    "notes-2.txt": "情感分析：情感分析的训练数据主要来自商品评价，可以换成自己的评价语料。",
    "notes-3.txt": "拼音：多音字可以返回所有读音，声调可以用数字表示，也可以去掉声调。",
    "notes-4.txt": "繁简转换：把繁体字转换成简体字，或者把简体字转换成繁体字。",
}
