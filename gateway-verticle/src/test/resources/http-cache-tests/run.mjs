// Runs the http-cache-tests suite (https://cache-tests.fyi) against a base URL and prints one JSON
// object: the count of each result kind and the required tests that failed. Copied into the
// installed package's directory by HttpCacheTestsSuiteTest, so its imports resolve there.
// Usage: node --no-warnings run.mjs BASE_URL [TEST_ID ...] (named tests are judged without their dependencies)
import fetch from 'node-fetch'
import { runTests, getResults } from './client/runner.mjs'
import * as display from './lib/display.mjs'
import tests from './tests/index.mjs'
import surrogate from './tests/surrogate-control.mjs'

tests.push(surrogate)
const [base, ...only] = process.argv.slice(2)
const selected = only.length === 0 ? tests : tests
  .map(suite => ({ ...suite, tests: suite.tests.filter(t => only.includes(t.id)) }))
  .filter(suite => suite.tests.length > 0)
await runTests(selected, fetch, false, base)
const results = getResults()
const names = { '✅': 'pass', '⛔️': 'fail', '⚠️': 'optional_fail', Y: 'yes', N: 'no', '🔹': 'setup_fail',
  '⁉️': 'harness_fail', '⚪️': 'dependency_fail', '↻': 'retry', '-': 'untested' }
const counts = {}
const failed = []
for (const suite of selected) {
  for (const test of suite.tests) {
    if (test.browser_only) continue
    const kind = names[display.determineTestResult(tests, test.id, results, only.length === 0)[2]]
    counts[kind] = (counts[kind] || 0) + 1
    if (kind === 'fail' || kind === 'harness_fail') failed.push({ id: test.id, result: results[test.id] })
  }
}
console.log(JSON.stringify({ counts, failed }))
