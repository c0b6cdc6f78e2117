import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

/**
 * What a database's schema is, as sorted text lines (tables' columns with type, nullability and
 * default; indexes; foreign keys), so two databases built two ways can be compared for equality.
 * Prisma's own bookkeeping table is left out.
 */
export function sqliteCatalog(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'sqlite_sequence')",
      )
      .all() as Array<{ name: string }>;
    const lines: string[] = [];
    for (const { name } of tables) {
      for (const c of db.pragma(`table_info("${name}")`) as Array<Record<string, unknown>>)
        lines.push(`column ${name}.${c.name} ${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`);
      for (const i of db.pragma(`index_list("${name}")`) as Array<{ name: string; unique: number }>) {
        const columns = (db.pragma(`index_info("${i.name}")`) as Array<{ name: string }>).map((c) => c.name);
        lines.push(`index ${name}.${i.name} unique=${i.unique} (${columns.join(", ")})`);
      }
      for (const f of db.pragma(`foreign_key_list("${name}")`) as Array<Record<string, unknown>>)
        lines.push(`foreign key ${name}.${f.from} -> ${f.table}.${f.to} delete=${f.on_delete} update=${f.on_update}`);
    }
    return lines.sort();
  } finally {
    db.close();
  }
}

export async function postgresCatalog(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const indexes = await client.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    const constraints = await client.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND conname NOT LIKE '_prisma_migrations%'`,
    );
    return [
      ...columns.rows.map(
        (c) =>
          `column ${c.table_name}.${c.column_name} ${c.data_type} nullable=${c.is_nullable} default=${c.column_default}`,
      ),
      ...indexes.rows.map((i) => `index ${i.indexname} ${i.indexdef}`),
      ...constraints.rows.map((c) => `constraint ${c.conname} ${c.def}`),
    ].sort();
  } finally {
    await client.end();
  }
}
