/**
 * How a help desk's company name finds a customer by their name in the customers file: the same
 * name once both are written alike, or the same name but for a legal form, and only where that
 * names one customer. A desk's `Organization` is typed by whoever set it up (`Harbor Bakery Ltd`,
 * `linden café`), the accounting package's name by someone else (`Harbor Bakery`, `Linden Café`):
 * the two differ in case, spacing, punctuation, Unicode form and the legal form more often than
 * in anything else. A name is never guessed between two customers.
 */

/**
 * Legal forms taken off the end of a name for the second try (`Greenfield Cafe Ltd` is
 * `Greenfield Cafe`), as written once punctuation is gone (`S.A.R.L.` is `sarl`, `Co.` is `co`):
 * the English, German, French, Dutch, Nordic and Australian ones a wholesaler's book holds.
 */
const LEGAL_FORMS = [
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'pty',
  'pte',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'ohg',
  'ug',
  'ev',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'aps',
  'as',
];

/**
 * SQL: a company name as it is compared: in Unicode's composed form (NFC: an `é` typed as `e` and
 * an accent is the `é` of the other file), in lower case, `&` read as `and`, the dots and
 * apostrophes inside a word dropped (`S.A.`, `O'Neill`), every other run of punctuation and spaces
 * one space. A dot after a digit parts it from what follows, so that `Route 6.6` is not `Route 66`.
 * Accents are kept: `Café` and `Cafe` are told apart, as a shop's two names may be.
 */
export const companyNameKeySql = (name: string) =>
  `trim(regexp_replace(regexp_replace(regexp_replace(replace(lower(nfc_normalize(${name})), '&', ' and '), '(\\p{N})\\.', '\\1 ', 'g'), '[.''’]', '', 'g'), '[^\\p{L}\\p{M}\\p{N}]+', ' ', 'g'))`;

/**
 * SQL: a compared name (companyNameKeySql) without the legal forms at its end (`gmbh and co kg`
 * as well as `ltd`); a name that is nothing but one (`Limited`) keeps it.
 */
export const companyStemSql = (key: string) =>
  `regexp_replace(${key}, '( (and )?(${LEGAL_FORMS.join('|')}))+$', '')`;

/**
 * SQL creating table `${table}` (`v`, `id_key`, `shared`, `by_stem`): each distinct name of
 * `names` (a query with a column `v`) and the customer it finds among `customers` (a query with
 * `id_key`, `customer_id` and `name`): the one customer whose name is the same once compared, else
 * the one whose name is the same but for the legal forms. Where two customers have that name
 * (or, failing it, that stem), `id_key` is NULL and `shared` names them (`HB-01 "Harbor Bakery",
 * HB-05 "Harbor Bakery Limited"`, the first three and how many more); where none has, both are NULL.
 */
export function companyNameMatchSql(table: string, names: string, customers: string): string {
  const label = `CASE WHEN customer_id = name THEN customer_id ELSE customer_id || ' "' || name || '"' END`;
  const grouped = (key: string) => `
      SELECT ${key}, count(DISTINCT id_key) AS n, min(id_key) AS id_key,
        array_to_string(list_slice(list_sort(list_distinct(list(${label}))), 1, 3), ', ')
          || CASE WHEN count(DISTINCT id_key) > 3 THEN ' and ' || (count(DISTINCT id_key) - 3) || ' more' ELSE '' END AS named
      FROM known GROUP BY ${key}`;
  return `
    CREATE OR REPLACE TABLE ${table} AS
      WITH known AS (
        SELECT *, ${companyStemSql('k')} AS stem FROM (
          SELECT id_key, customer_id, name, ${companyNameKeySql('name')} AS k FROM (${customers}))
        WHERE k <> ''),
      same AS (${grouped('k')}),
      stems AS (${grouped('stem')}),
      asked AS (SELECT v, k, ${companyStemSql('k')} AS stem FROM (SELECT v, ${companyNameKeySql('v')} AS k FROM (${names})))
      -- Equalities alone: a further condition on the join made DuckDB join 100k names to 100k
      -- customers by a nested loop (80 s). No stem is empty (an empty name is left out above).
      SELECT a.v,
        CASE WHEN s.n = 1 THEN s.id_key WHEN s.n IS NULL AND t.n = 1 THEN t.id_key END AS id_key,
        CASE WHEN s.n > 1 THEN s.named WHEN s.n IS NULL AND t.n > 1 THEN t.named END AS shared,
        s.n IS NULL AND t.n = 1 AS by_stem
      FROM asked a LEFT JOIN same s ON s.k = a.k LEFT JOIN stems t ON t.stem = a.stem`;
}
