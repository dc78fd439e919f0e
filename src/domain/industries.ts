// Sections of GB/T 4754-2017 (national economic industry classification), with how common each is among
// a northeastern city's companies, sole proprietors (个体工商户) and farmer cooperatives, and the words
// their registered names use.

export interface IndustrySection {
  readonly section: string;
  readonly name: string;
  readonly company: number;
  readonly proprietor: number;
  readonly cooperative: number;
  /** Business-scope words for company names. */
  readonly words: readonly string[];
  /** Shop words for sole proprietors' names. */
  readonly shops: readonly string[];
}

const s = (section: string, name: string, company: number, proprietor: number, cooperative: number, words: string[], shops: string[] = []): IndustrySection =>
  ({ section, name, company, proprietor, cooperative, words, shops });

export const INDUSTRY_SECTIONS: readonly IndustrySection[] = [
  s('A', '农、林、牧、渔业', 8, 3, 70, ['农业发展', '畜牧养殖', '农牧', '种植'], ['养殖场', '农资店']),
  s('B', '采矿业', 0.4, 0, 0, ['矿业', '砂石']),
  s('C', '制造业', 10, 4, 5, ['重型机械', '装备制造', '食品', '乳业', '米业', '机械制造', '铸造', '酿酒', '木业'], ['加工厂', '豆腐坊']),
  s('D', '电力、热力、燃气及水生产和供应业', 0.8, 0, 0, ['热力', '燃气', '新能源', '供水']),
  s('E', '建筑业', 8, 1, 0, ['建筑工程', '建设工程', '装饰工程', '市政工程']),
  s('F', '批发和零售业', 26, 45, 15, ['商贸', '贸易', '医药连锁', '粮油', '农资', '汽车销售'], ['超市', '商店', '五金店', '粮油店', '服装店', '手机店', '药店', '水果店']),
  s('G', '交通运输、仓储和邮政业', 5, 5, 0, ['物流', '运输', '仓储'], ['货运部', '快递站']),
  s('H', '住宿和餐饮业', 5, 20, 0, ['餐饮管理', '酒店管理', '烤肉'], ['烤肉店', '饭店', '面馆', '饺子馆', '烧烤店', '旅店']),
  s('I', '信息传输、软件和信息技术服务业', 4, 1, 0, ['网络科技', '信息技术', '软件开发']),
  s('J', '金融业', 0.6, 0, 0, ['小额贷款', '融资担保']),
  s('K', '房地产业', 3, 0.5, 0, ['房地产开发', '物业管理', '房地产经纪'], ['房屋中介']),
  s('L', '租赁和商务服务业', 9, 4, 2, ['商务咨询', '企业管理', '广告传媒', '人力资源'], ['广告部', '图文社']),
  s('M', '科学研究和技术服务业', 3, 0.5, 1, ['工程技术', '检测', '环保科技', '农业科技']),
  s('N', '水利、环境和公共设施管理业', 1, 0.5, 0, ['环境工程', '园林绿化', '保洁服务']),
  s('O', '居民服务、修理和其他服务业', 6, 12, 0, ['家政服务', '汽车维修', '养老服务'], ['理发店', '修车铺', '洗浴中心', '家电维修部', '干洗店']),
  s('P', '教育', 2, 1, 0, ['教育咨询', '职业培训'], ['培训班']),
  s('Q', '卫生和社会工作', 1.5, 1, 0, ['医疗管理', '康复', '养老院'], ['诊所', '口腔诊所']),
  s('R', '文化、体育和娱乐业', 2.5, 2, 0, ['文化传媒', '体育发展', '文化旅游'], ['网吧', '健身房', 'KTV']),
  s('S', '公共管理、社会保障和社会组织', 0.3, 0, 0, ['社会服务']),
];

/** Trade-name characters: names combine two of them (鑫源, 鹤城, 嫩江, 卜奎 ...). */
export const TRADE_NAME_PARTS: readonly string[] = [
  '鑫', '源', '鹤', '城', '嫩', '江', '卜', '奎', '龙', '华', '恒', '通', '盛', '达', '金', '泰', '丰', '瑞', '宏', '利',
  '兴', '隆', '北', '疆', '扎', '顺', '安', '博', '诚', '信', '佳', '明', '旺', '福', '康', '祥', '海', '天', '昌', '远',
];
