// DuckDB's recency / frequency / spend per customer from an orders.csv, as a whole node process:
// the baseline bench/feedBench.ts compares the `score` process with. Plain JS (no tsx), as the
// `score` process runs compiled JS. Usage: node bench/duckdbRfmProcess.cjs ORDERS_CSV AS_OF
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const [path, asOf] = process.argv.slice(2);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const file = path.replaceAll("'", "''");
  await connection.run(`
    CREATE TABLE rfm AS
    SELECT customer_id,
           date_diff('day', max(order_day), DATE '${asOf}') AS recency_days,
           count(*) AS frequency, sum(amount) AS monetary_sum, avg(amount) AS monetary_mean
    FROM (SELECT customer_id, CAST(left(ordered_at, 10) AS DATE) AS order_day, amount
          FROM read_csv('${file}', header = true,
            columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'ordered_at': 'VARCHAR', 'amount': 'DOUBLE'}))
    WHERE order_day <= DATE '${asOf}'
    GROUP BY customer_id`);
  const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM rfm');
  process.stdout.write(`${reader.getRows()[0][0]} customers\n`);
  connection.closeSync();
  instance.closeSync();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
