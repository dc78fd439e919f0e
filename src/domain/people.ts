// Reference data for people: Heilongjiang's ageing age pyramid, weighted surnames (national frequencies,
// with the Northeast's and ethnic groups' own), given names (from faker's zh_CN lists, split into the
// older and the newer naming styles) and real mobile number prefixes.
import { fakerZH_CN } from '@faker-js/faker';

/**
 * Share of the population (per cent) in each 5-year age band starting at the given age, shaped like
 * Heilongjiang's 2020 census pyramid moved on to 2025: few children (fertility below 1), the large cohorts
 * born 1962-1975 now in their fifties and sixties, about a quarter aged 60 and over.
 */
export const AGE_PYRAMID: readonly (readonly [fromAge: number, share: number])[] = [
  [0, 2.3], [5, 3.1], [10, 3.9], [15, 4.0], [20, 4.2], [25, 4.8], [30, 6.2], [35, 6.4], [40, 6.5], [45, 7.8],
  [50, 9.6], [55, 9.9], [60, 8.6], [65, 7.4], [70, 5.3], [75, 3.4], [80, 2.2], [85, 1.1], [90, 0.4], [95, 0.1],
];

/** Household sizes and their shares (per cent): one- and two-person households dominate in the Northeast. */
export const HOUSEHOLD_SIZES: readonly (readonly [size: number, share: number])[] = [
  [1, 24], [2, 38], [3, 23], [4, 9], [5, 4], [6, 2],
];

/** Han surnames with approximate frequencies (per mille), Northeast-leaning (赵, 孙, 于, 高 rank higher). */
export const HAN_SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 78], ['李', 74], ['张', 72], ['刘', 60], ['赵', 32], ['孙', 28], ['杨', 27], ['陈', 24], ['于', 18], ['高', 17],
  ['徐', 14], ['马', 14], ['郭', 13], ['周', 12], ['吴', 11], ['宋', 11], ['董', 10], ['朱', 10], ['韩', 10], ['曲', 5],
  ['冯', 8], ['许', 8], ['姜', 9], ['付', 8], ['孟', 7], ['田', 7], ['曹', 7], ['郑', 7], ['白', 6], ['丁', 6],
  ['梁', 6], ['崔', 6], ['邢', 4], ['谢', 5], ['何', 5], ['林', 5], ['黄', 5], ['胡', 6], ['罗', 4], ['沈', 4],
  ['程', 4], ['范', 5], ['石', 5], ['贾', 5], ['方', 3], ['袁', 4], ['杜', 4], ['魏', 5], ['吕', 5], ['苏', 4],
  ['陆', 3], ['蒋', 3], ['潘', 3], ['姚', 4], ['尹', 3], ['常', 4], ['侯', 4], ['邵', 3], ['薛', 3], ['史', 4],
  ['万', 2], ['鲍', 2], ['牛', 3], ['谭', 2], ['段', 3], ['雷', 2], ['钱', 2], ['汤', 2], ['武', 3], ['乔', 3],
  ['贺', 3], ['邹', 2], ['安', 3], ['葛', 2], ['毕', 2], ['佟', 2], ['齐', 2], ['庞', 2], ['刁', 1], ['鞠', 2],
  ['隋', 1], ['闫', 3], ['修', 1], ['栾', 1], ['单', 1], ['穆', 1], ['初', 1], ['战', 1], ['宫', 1], ['上官', 0.1],
];

/** Surnames common among each minority (Daur, Manchu, Mongol, Korean, Hui, ...). */
export const ETHNIC_SURNAMES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  达斡尔族: [['敖', 20], ['鄂', 15], ['孟', 15], ['郭', 12], ['何', 10], ['苏', 8], ['沃', 6], ['金', 6], ['吴', 8]],
  满族: [['关', 18], ['佟', 12], ['赵', 12], ['那', 8], ['金', 10], ['富', 6], ['白', 8], ['肖', 6], ['王', 10], ['李', 10]],
  蒙古族: [['包', 20], ['白', 15], ['韩', 10], ['宝', 8], ['吴', 8], ['金', 6], ['陈', 5], ['王', 8], ['李', 6]],
  朝鲜族: [['金', 30], ['李', 20], ['朴', 18], ['崔', 12], ['郑', 8], ['姜', 6], ['赵', 6]],
  回族: [['马', 35], ['杨', 10], ['丁', 10], ['白', 8], ['哈', 5], ['金', 6], ['李', 8], ['张', 8]],
  锡伯族: [['关', 20], ['吴', 15], ['韩', 10], ['何', 10], ['郭', 10]],
  鄂温克族: [['杜', 20], ['涂', 15], ['何', 10], ['吴', 10]],
  柯尔克孜族: [['吴', 15], ['常', 15], ['韩', 10], ['蔡', 10]],
};

/**
 * Given-name pools by gender and era. faker's zh_CN lists mix the 1950s-1980s style (建国, 秀英, 桂兰) with
 * the 2000s style (梓涵, 浩宇); the split below sends each name to the era whose characters it uses, and a
 * few extra older names fill the older pools (most of the register was born before 1980).
 */
export function givenNamePools(): Record<'male_old' | 'male_new' | 'female_old' | 'female_new', string[]> {
  const defs = fakerZH_CN.rawDefinitions.person?.first_name;
  const male = [...(defs?.male ?? []), ...(defs?.generic ?? [])];
  const female = [...(defs?.female ?? [])];
  const oldChars = /[国建军华强平明刚勇伟民红兰英珍芳秀桂玉凤萍丽霞燕波成杰辉东海涛斌超磊鹏敏静洁娟艳玲]/u;
  const newChars = /[梓浩宇轩涵萱睿泽熙辰沐奕馨诺琪妍彤汐昊烨晟瀚骞翊懿瑾苡若语]/u;
  const split = (names: string[]) => ({
    old: names.filter((n) => oldChars.test(n) && !newChars.test(n)),
    young: names.filter((n) => !oldChars.test(n) || newChars.test(n)),
  });
  const m = split([...new Set(male)]);
  const f = split([...new Set(female)]);
  const extraMaleOld = ['建国', '建军', '国庆', '卫东', '志刚', '长海', '德胜', '福贵', '金山', '振华', '宝林', '庆祥', '树林', '玉林', '永志', '洪亮', '文革', '跃进', '春生', '立新'];
  const extraFemaleOld = ['淑兰', '淑珍', '凤兰', '桂芝', '秀云', '玉芬', '春梅', '丽华', '翠花', '亚琴', '淑芬', '美玲', '红梅', '雪梅', '艳华', '秀梅', '凤琴', '玉霞', '金凤', '丽娟'];
  return {
    male_old: [...new Set([...m.old, ...extraMaleOld])],
    male_new: m.young,
    female_old: [...new Set([...f.old, ...extraFemaleOld])],
    female_new: f.young,
  };
}

/** Mobile number prefixes of the three carriers, weighted by their share in Heilongjiang. */
export const MOBILE_PREFIXES: readonly (readonly [string, number])[] = [
  // China Mobile
  ['134', 4], ['135', 5], ['136', 4], ['137', 4], ['138', 5], ['139', 6], ['147', 1], ['150', 3], ['151', 3], ['152', 3],
  ['157', 2], ['158', 3], ['159', 3], ['178', 2], ['182', 3], ['183', 2], ['184', 1], ['187', 3], ['188', 3], ['198', 2],
  // China Unicom (strong in the Northeast)
  ['130', 5], ['131', 5], ['132', 4], ['155', 4], ['156', 4], ['166', 2], ['175', 2], ['176', 2], ['185', 3], ['186', 4],
  // China Telecom
  ['133', 2], ['153', 2], ['173', 1], ['177', 1], ['180', 2], ['181', 1], ['189', 2], ['191', 1], ['199', 1],
];
