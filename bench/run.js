// npm run bench -- <folder/name>   e.g. npm run bench -- agent/backfill
const name = process.argv[2];
if (!name) {
  console.error('usage: npm run bench -- <folder/name> (see bench/)');
  process.exit(2);
}
await import(new URL(`./${name}.ts`, import.meta.url).href);
