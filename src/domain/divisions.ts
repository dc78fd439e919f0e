// Qiqihar's 16 county-level divisions (GB/T 2260 codes and names) with the reference data the generator
// draws addresses, population shares, ethnic mix and heating prices from; plus birth places of migrants.

export type DivisionKind = 'district' | 'county' | 'city';

export interface Division {
  readonly code: string;
  readonly name: string;
  readonly kind: DivisionKind;
  /**
   * Relative share of the registered population. Starts from the 2020 census figures and leans toward
   * the central urban districts, where the register (and a sandbox's analysts) concentrate.
   */
  readonly weight: number;
  /** Share of households living in a town or urban neighbourhood (the rest in villages). */
  readonly urbanShare: number;
  /** Subdistricts (街道) or towns (镇/乡) used in addresses. */
  readonly towns: readonly string[];
  /** Streets of the urban part (or the county seat). */
  readonly streets: readonly string[];
  /** Ethnic shares that differ from the city-wide default (per cent). */
  readonly ethnicity?: Readonly<Record<string, number>>;
  /** Residential heating price, yuan per m² per season. */
  readonly heatingPrice: number;
}

const urban = (code: string, name: string, weight: number, towns: string[], streets: string[], extra: Partial<Division> = {}): Division =>
  ({ code, name, kind: 'district', weight, urbanShare: 0.93, towns, streets, heatingPrice: 27.5, ...extra });
const county = (code: string, name: string, weight: number, towns: string[], streets: string[], extra: Partial<Division> = {}): Division =>
  ({ code, name, kind: 'county', weight, urbanShare: 0.42, towns, streets, heatingPrice: 25, ...extra });

export const QIQIHAR_DIVISIONS: readonly Division[] = [
  urban('230202', '龙沙区', 44, ['五龙街道', '湖滨街道', '江安街道', '正阳街道', '彩虹街道', '南航街道', '大民街道'],
    ['卜奎大街', '龙华路', '中华西路', '永安大街', '公园路', '民航路', '大民街', '龙沙路', '卜奎南大街', '明月岛路']),
  urban('230203', '建华区', 36, ['中华街道', '文化街道', '建设街道', '卜奎街道', '新华街道'],
    ['新江路', '中华东路', '建华路', '文化大街', '北新街', '新华大街', '建设大街', '富华街']),
  urban('230204', '铁锋区', 38, ['站前街道', '南浦街道', '通东街道', '光荣街道', '龙华街道', '北局宅街道', '东湖街道'],
    ['龙华路', '站前大街', '光荣大街', '通达街', '铁锋街', '东湖路', '南浦路', '西南路']),
  urban('230205', '昂昂溪区', 7, ['新兴街道', '新建街道', '道南街道'], ['昂昂溪大街', '新兴街', '建设路', '罗西路']),
  urban('230206', '富拉尔基区', 26, ['红岸街道', '沿江街道', '电力街道', '幸福街道', '和平街道', '铁北街道'],
    ['红岸大街', '沿江路', '向阳大街', '幸福路', '和平路', '电力路', '厚和路']),
  urban('230207', '碾子山区', 6, ['富强街道', '繁荣街道', '华安街道'], ['华安大街', '富强路', '繁荣路', '新建路'], { urbanShare: 0.85 }),
  urban('230208', '梅里斯达斡尔族区', 13, ['梅里斯镇', '雅尔塞镇', '卧牛吐达斡尔族镇', '达呼店镇', '共和镇', '莽格吐达斡尔族乡'],
    ['梅里斯大街', '雅尔塞路', '哈拉路', '团结街'],
    { urbanShare: 0.45, ethnicity: { 汉族: 82.5, 达斡尔族: 12, 满族: 2.5, 蒙古族: 2, 朝鲜族: 0.3, 回族: 0.4, 鄂温克族: 0.2, 锡伯族: 0.1 } }),
  county('230221', '龙江县', 40, ['龙江镇', '景星镇', '山泉镇', '七棵树镇', '杏山镇', '白山镇', '头站镇', '黑岗乡', '广厚乡', '华民乡', '哈拉海乡', '鲁河乡'],
    ['龙江大街', '景星路', '兴华街', '振兴路'], { ethnicity: { 汉族: 93, 蒙古族: 2.6, 满族: 2.4, 朝鲜族: 0.8, 回族: 0.7, 达斡尔族: 0.4, 锡伯族: 0.1 } }),
  county('230223', '依安县', 28, ['依安镇', '依龙镇', '双阳镇', '三兴镇', '中心镇', '新兴镇', '富饶乡', '红星乡', '上游乡', '先锋乡'],
    ['依安大街', '兴安路', '乌裕尔大街', '东升路']),
  county('230224', '泰来县', 22, ['泰来镇', '平洋镇', '汤池镇', '江桥镇', '塔子城镇', '大兴镇', '和平镇', '克利镇', '胜利蒙古族乡', '宁姜蒙古族乡'],
    ['泰来大街', '嫩江路', '胜利路', '安乐街'], { ethnicity: { 汉族: 90.5, 蒙古族: 6, 满族: 2, 回族: 0.7, 朝鲜族: 0.4, 达斡尔族: 0.3, 锡伯族: 0.1 } }),
  county('230225', '甘南县', 24, ['甘南镇', '兴十四镇', '平阳镇', '东阳镇', '巨宝镇', '长山乡', '中兴乡', '兴隆乡', '宝山乡', '查哈阳乡'],
    ['甘南大街', '音河路', '兴华路', '文化街']),
  county('230227', '富裕县', 19, ['富裕镇', '富路镇', '富海镇', '二道湾镇', '龙安桥镇', '塔哈镇', '繁荣乡', '友谊达斡尔族满族柯尔克孜族乡', '绍文乡', '忠厚乡'],
    ['富裕大街', '乌裕尔路', '繁荣街', '团结路'],
    { ethnicity: { 汉族: 90, 达斡尔族: 3.5, 满族: 3, 蒙古族: 2, 柯尔克孜族: 0.6, 回族: 0.5, 朝鲜族: 0.3, 锡伯族: 0.1 } }),
  county('230229', '克山县', 27, ['克山镇', '北兴镇', '西城镇', '古城镇', '北联镇', '西河镇', '河南乡', '双河乡', '曙光乡', '向华乡'],
    ['克山大街', '新华路', '建设街', '北兴路']),
  county('230230', '克东县', 15, ['克东镇', '宝泉镇', '乾丰镇', '玉岗镇', '蒲峪路镇', '润津乡', '昌盛乡'], ['克东大街', '乌裕尔路', '站前街', '胜利路']),
  county('230231', '拜泉县', 31, ['拜泉镇', '三道镇', '兴农镇', '长春镇', '龙泉镇', '国富镇', '富强镇', '新生乡', '兴国乡', '上升乡', '丰产乡'],
    ['拜泉大街', '东升路', '通双路', '中心街']),
  county('230281', '讷河市', 40, ['雨亭街道', '通江街道', '拉哈镇', '二克浅镇', '学田镇', '龙河镇', '讷南镇', '六合镇', '长发镇', '通南镇', '同义镇', '九井镇', '老莱镇', '孔国乡'],
    ['雨亭大街', '通江路', '讷谟尔大街', '站前路', '中央街'], { kind: 'city', urbanShare: 0.45 }),
];

/** City-wide ethnic shares (per cent) of the registered population. */
export const DEFAULT_ETHNICITY: Readonly<Record<string, number>> = {
  汉族: 94.2, 满族: 2.4, 蒙古族: 1.3, 达斡尔族: 1.0, 回族: 0.55, 朝鲜族: 0.4, 锡伯族: 0.05, 鄂温克族: 0.05, 柯尔克孜族: 0.05,
};

/** Residential community / compound names used in urban addresses. */
export const COMMUNITIES: readonly string[] = [
  '阳光', '和平', '富华', '明珠', '龙华', '绿洲', '锦绣', '金色', '嘉园', '幸福', '园丁', '新世纪', '鹤城', '卜奎', '湖滨',
  '江畔', '东湖', '北苑', '南苑', '康乐', '祥和', '怡园', '文化', '铁路', '电业', '一重', '华安', '劳动湖', '百花', '建工',
];

/** Village names of the countryside (common Heilongjiang village names). */
export const VILLAGES: readonly string[] = [
  '永胜', '红星', '前进', '东升', '富强', '胜利', '团结', '新发', '长青', '兴隆', '太平', '和平', '建国', '民主', '复兴',
  '双合', '三合', '四合', '丰收', '光明', '向阳', '五一', '友好', '新立', '长山', '兴旺', '庆丰', '联合', '繁荣', '东风',
];

/**
 * Birth places of residents registered in Qiqihar but born elsewhere: other Heilongjiang divisions first,
 * then the provinces that migration into the Northeast historically came from.
 */
export const MIGRANT_BIRTHPLACES: readonly (readonly [code: string, weight: number])[] = [
  ['230102', 6], ['230103', 6], ['230104', 3], ['230602', 4], ['230604', 2], ['231002', 2], ['230803', 2], ['231202', 3],
  ['231102', 2], ['230502', 1], ['230302', 1], ['230702', 1], ['232701', 1],
  ['150702', 3], ['150721', 1], ['220102', 2], ['220202', 1], ['210102', 2], ['210202', 1], ['370102', 2], ['370202', 1],
  ['130102', 1], ['410102', 1], ['110101', 1], ['120101', 0.5], ['320102', 0.5],
];
