// Qiqihar's bus network as the generator models it: lines 1路 to 30路 with their fares and stops drawn
// from the city's streets and landmarks, and the hourly shape of boardings on weekdays and weekends.
import { SeededRandom } from './seeded-random.ts';

export const STOPS: readonly string[] = [
  '火车站', '齐齐哈尔南站', '龙沙公园', '劳动湖', '百花园', '市政府', '中环广场', '大商新玛特', '百货大楼', '永安大街',
  '卜奎大街', '龙华路口', '新江路', '中华路', '建华路', '光荣街', '站前大街', '齐齐哈尔大学', '医学院', '市第一医院',
  '医学院附属第二医院', '医学院附属第三医院', '中医医院', '体育场', '博物馆', '长途客运站', '北大客运站', '明月岛码头', '嫩江公园', '东湖公园',
  '扎龙路口', '铁锋区政府', '建华区政府', '龙沙区政府', '北局宅', '南浦路', '富华街', '文化大街', '北新街', '新华大街',
  '和平厂', '华安厂', '车辆厂', '一重', '富拉尔基', '红岸公园', '昂昂溪', '机场路', '工程学院', '农贸市场',
  '二马路', '三马路', '四马路', '大民街', '公园路', '民航路', '永乐街', '安顺路', '西南路', '东湖路',
  '通达街', '龙沙路', '银河花园', '绿洲小区', '阳光小区', '幸福小区', '园丁小区', '铁路医院', '南苑', '北苑',
  '梅里斯', '雅尔塞', '碾子山', '浏园', '万达广场', '红星美凯龙', '商业大厦', '烤肉一条街', '人民广场', '和平广场',
];

export interface BusLine {
  readonly line: string;
  readonly fare: number;
  readonly weight: number;
  readonly stops: readonly string[];
}

/** Lines 1路..30路: the low numbers are the old trunk lines and busiest; 21路 and up are long or air-conditioned (2 yuan). */
export function busLines(seed: number): BusLine[] {
  const rnd = new SeededRandom(seed, 'transit.lines');
  return Array.from({ length: 30 }, (_, i) => {
    const n = 14 + rnd.int(12);
    const pool = [...STOPS];
    const stops: string[] = [];
    for (let k = 0; k < n; k++) stops.push(...pool.splice(rnd.int(pool.length), 1));
    return { line: `${i + 1}路`, fare: i >= 20 ? 2 : 1, weight: Math.round(1000 / (1 + i * 0.12) * (0.7 + 0.6 * rnd.next())), stops };
  });
}

/** Boardings by hour of day (relative), peaking 7-9 and 17-19 on weekdays, flatter on weekends. */
export const HOURLY_BOARDINGS: Readonly<Record<'weekday' | 'weekend', readonly (readonly [hour: number, weight: number])[]>> = {
  weekday: [[5, 1.2], [6, 4.5], [7, 13], [8, 12.5], [9, 6], [10, 4.5], [11, 4.5], [12, 4.5], [13, 4.2], [14, 4.2], [15, 4.8], [16, 6.5], [17, 12.5], [18, 10.5], [19, 4], [20, 2.2], [21, 0.9]],
  weekend: [[5, 0.8], [6, 2.5], [7, 5], [8, 7], [9, 8.5], [10, 9], [11, 8.5], [12, 7], [13, 7], [14, 7.5], [15, 7.5], [16, 7.5], [17, 7.5], [18, 6.5], [19, 4], [20, 2.5], [21, 1]],
};

/** Card types with their share of cards and the fare multiplier (elderly and concession cards ride free). */
export const CARD_TYPES: readonly (readonly [type: string, share: number, fareFactor: number])[] = [
  ['普通卡', 66, 1], ['学生卡', 13, 0.5], ['老年卡', 18, 0], ['爱心卡', 1.5, 0], ['员工卡', 1.5, 0],
];
