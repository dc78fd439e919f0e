// The overhead corpus of issue 10: twenty aggregate queries of the kind the city's analysts send (counts by
// division, age band, month and hour; sums and averages of contributions, fares, energy and heating bills;
// joins of the registers on the citizen id), over the threshold datasets (health is released under
// differential privacy, whose budget a benchmark would exhaust). Each is allowed by the default policy.
export const QUERY_CORPUS: readonly string[] = [
  'SELECT district, count(*) AS n FROM population.residents GROUP BY district',
  'SELECT gender, age_band(birth_date, 10) AS band, count(*) AS n FROM population.residents GROUP BY 1, 2',
  'SELECT district, ethnicity, count(*) AS n FROM population.residents GROUP BY 1, 2',
  'SELECT year(registered_on) AS y, count(*) AS n FROM population.residents GROUP BY 1',
  'SELECT insurance_type, status, count(*) AS n, avg(monthly_base) AS base FROM social_security.insured GROUP BY 1, 2',
  'SELECT insurance_type, year(start_date) AS y, count(*) AS n, sum(monthly_base) AS base FROM social_security.insured GROUP BY 1, 2',
  'SELECT r.district, i.insurance_type, count(*) AS n FROM population.residents r JOIN social_security.insured i ON r.id_card = i.id_card GROUP BY 1, 2',
  'SELECT line, count(*) AS trips FROM transit.card_trips GROUP BY line',
  'SELECT card_type, hour(boarded_at) AS h, count(*) AS trips FROM transit.card_trips GROUP BY 1, 2',
  'SELECT line, sum(fare) AS revenue, avg(fare) AS avg_fare FROM transit.card_trips GROUP BY line',
  'SELECT dayofweek(boarded_at) AS dow, count(*) AS trips, count(DISTINCT card_no) AS riders FROM transit.card_trips GROUP BY 1',
  'SELECT board_stop, count(*) AS n FROM transit.card_trips GROUP BY 1',
  'SELECT district, month, sum(kwh) AS kwh, avg(kwh) AS avg_kwh FROM utilities.power_usage GROUP BY 1, 2',
  'SELECT month, count(*) AS accounts, sum(kwh) AS kwh FROM utilities.power_usage GROUP BY 1',
  'SELECT district, bucket(kwh, 100) AS band, count(*) AS n FROM utilities.power_usage GROUP BY 1, 2',
  'SELECT district, season, sum(amount_due) AS due, avg(area_m2) AS area FROM utilities.heating_bills GROUP BY 1, 2',
  'SELECT season, paid, count(*) AS n FROM utilities.heating_bills GROUP BY 1, 2',
  'SELECT industry, district, count(*) AS n, sum(registered_capital) AS capital FROM market.enterprises GROUP BY 1, 2',
  'SELECT status, year(established_on) AS y, count(*) AS n FROM market.enterprises GROUP BY 1, 2',
  'SELECT r.district, avg(p.kwh) AS kwh, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON r.id_card = p.id_card GROUP BY 1',
];
