// ICD-10 diagnoses seen in a northern Chinese city's medical insurance claims, with how often each is
// diagnosed in children, working-age adults and the elderly, how often it leads to a hospital stay, and
// how costly a stay is relative to an average one. diagnosis_group is the code's chapter letter.

export interface Diagnosis {
  readonly code: string;
  /** Relative frequency among claims of people aged 0-14, 15-59 and 60+. */
  readonly child: number;
  readonly adult: number;
  readonly elder: number;
  /** Probability that a claim with this diagnosis is an inpatient stay. */
  readonly inpatient: number;
  /** Cost of a stay relative to the average stay. */
  readonly costFactor: number;
}

const d = (code: string, child: number, adult: number, elder: number, inpatient: number, costFactor: number): Diagnosis =>
  ({ code, child, adult, elder, inpatient, costFactor });

export const DIAGNOSES: readonly Diagnosis[] = [
  d('J06.9', 20, 8, 3, 0.02, 0.5), d('J20.9', 8, 4, 4, 0.08, 0.6), d('J18.9', 6, 2, 5, 0.45, 1.0), d('J44.9', 0, 1, 6, 0.3, 1.1),
  d('J45.9', 2, 1, 1.5, 0.15, 0.8), d('J03.9', 6, 2, 0.3, 0.05, 0.5), d('A09', 6, 2, 1, 0.1, 0.6), d('B34.9', 5, 1, 0.5, 0.05, 0.5),
  d('I10', 0, 10, 18, 0.05, 0.8), d('I25.1', 0, 2, 8, 0.25, 1.6), d('I63.9', 0, 1, 6, 0.55, 1.8), d('I48', 0, 0.3, 1.5, 0.3, 1.5),
  d('I50.9', 0, 0.2, 2, 0.5, 1.5), d('E11.9', 0, 6, 11, 0.06, 1.0), d('E78.5', 0, 3, 4, 0.02, 0.7), d('E03.9', 0.1, 1.5, 1, 0.02, 0.6),
  d('K29.7', 1, 5, 4, 0.05, 0.7), d('K21.0', 0.2, 2, 2, 0.05, 0.7), d('K80.2', 0, 1, 1.5, 0.4, 1.3), d('K35.8', 1, 0.8, 0.3, 0.9, 1.0),
  d('K76.0', 0, 2, 1.5, 0.02, 0.6), d('K02.9', 3, 1.5, 0.5, 0, 0.3), d('N18.9', 0, 0.5, 2, 0.3, 1.5), d('N39.0', 0.5, 1.5, 2, 0.1, 0.7),
  d('N40', 0, 0.5, 3, 0.2, 1.2), d('M54.5', 0, 4, 4, 0.05, 0.8), d('M17.9', 0, 1.5, 4, 0.15, 1.6), d('M81.9', 0, 0.3, 2, 0.05, 1.0),
  d('S72.0', 0, 0.1, 0.8, 0.9, 2.8), d('S52.5', 1, 0.5, 0.5, 0.5, 1.2), d('T14.0', 3, 2, 1, 0.02, 0.4), d('C34.9', 0, 0.2, 1.2, 0.6, 3.0),
  d('C16.9', 0, 0.15, 0.7, 0.6, 3.0), d('C50.9', 0, 0.4, 0.6, 0.5, 2.5), d('C18.9', 0, 0.15, 0.6, 0.6, 3.0), d('C22.0', 0, 0.1, 0.4, 0.6, 3.0),
  d('D64.9', 1, 0.8, 1.2, 0.15, 0.8), d('F32.9', 0.2, 1, 0.8, 0.1, 1.5), d('F20.9', 0, 0.4, 0.2, 0.4, 2.0), d('G43.9', 0.3, 1.5, 0.5, 0.02, 0.6),
  d('G20', 0, 0.05, 0.8, 0.15, 1.5), d('H25.9', 0, 0.1, 2.5, 0.5, 0.9), d('H10.9', 2, 1, 0.8, 0, 0.3), d('H52.1', 4, 1, 0.1, 0, 0.3),
  d('H66.9', 2, 0.3, 0.2, 0.05, 0.5), d('L30.9', 2, 2, 1.5, 0.01, 0.3), d('O80', 0, 0.6, 0, 1.0, 0.8), d('O82', 0, 0.5, 0, 1.0, 1.2),
  d('Z00.0', 3, 3, 2, 0, 0.3), d('R50.9', 4, 0.6, 0.4, 0.05, 0.4), d('R51', 0.3, 1, 0.6, 0.02, 0.4), d('U07.1', 0.5, 0.5, 1, 0.2, 1.0),
];

/** Chapter letter of an ICD-10 code: what the catalog calls diagnosis_group. */
export const diagnosisGroup = (code: string): string => code.slice(0, 1);
