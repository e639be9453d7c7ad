#!/usr/bin/env node
// Prints one plain "N passed, N failed" line per test runner (and a total) from their JSON reports, so
// a reader (or CI) sees the count without parsing two reporters' formats. Exits 1 if a report is
// missing or any test failed.
import { existsSync, readFileSync } from 'node:fs'

function unit() {
  const r = JSON.parse(readFileSync('.test-reports/unit.json', 'utf8'))
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests }
}

function e2e() {
  const r = JSON.parse(readFileSync('.test-reports/e2e.json', 'utf8'))
  const s = r.stats
  return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped }
}

let total = { passed: 0, failed: 0, skipped: 0 }
let ok = true
for (const [name, read, file] of [
  ['unit', unit, '.test-reports/unit.json'],
  ['e2e', e2e, '.test-reports/e2e.json'],
]) {
  if (!existsSync(file)) {
    console.log(`${name}: no report (${file} missing)`)
    ok = false
    continue
  }
  const c = read()
  console.log(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
  total = {
    passed: total.passed + c.passed,
    failed: total.failed + c.failed,
    skipped: total.skipped + c.skipped,
  }
  if (c.failed > 0 || c.passed === 0) ok = false
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
process.exit(ok ? 0 : 1)
