import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareKernelVersions,
  isMainlineVersion,
  kernelIncludes,
  kernelSeries,
  parseKernelVersion,
} from '../../src/sources/cve/kernel-version.js';

test('kernel versions sort with -rc before the release and stable after it', () => {
  const sorted = [
    '5.15-rc1',
    '5.14.1',
    '5.14',
    '5.14-rc3',
    '5.14-rc10',
    '5.13.19',
    '5.9',
    '4.19.300',
    '2.6.39.4',
    '3.0',
  ];
  const expected = [
    '2.6.39.4',
    '3.0',
    '4.19.300',
    '5.9',
    '5.13.19',
    '5.14-rc3',
    '5.14-rc10',
    '5.14',
    '5.14.1',
    '5.15-rc1',
  ];
  assert.deepEqual([...sorted].sort(compareKernelVersions), expected);
  assert.equal(compareKernelVersions('5.14', '5.14.0'), 0);
  assert.ok(compareKernelVersions('2.6.24', '2.6.24.5') < 0);
  assert.ok(compareKernelVersions('2.6.24.5', '2.6.25') < 0);
});

test('series and mainline, including the 2.6 scheme', () => {
  assert.equal(kernelSeries('5.10.37'), '5.10');
  assert.equal(kernelSeries('6.14-rc2'), '6.14');
  assert.equal(kernelSeries('2.6.24.5'), '2.6.24');
  assert.equal(kernelSeries('2.6.24'), '2.6.24');
  for (const v of ['6.1', '6.14-rc2', '2.6.12', '5.14.0']) assert.equal(isMainlineVersion(v), true, v);
  for (const v of ['5.10.37', '2.6.24.5', '6.1.121']) assert.equal(isMainlineVersion(v), false, v);
});

test('what a kernel at a base version includes', () => {
  assert.equal(kernelIncludes('5.14', '5.13'), true, 'an older mainline release');
  assert.equal(kernelIncludes('5.14', '5.14-rc3'), true, 'a release candidate of its own release');
  assert.equal(kernelIncludes('5.14-rc2', '5.14-rc3'), false);
  assert.equal(kernelIncludes('5.14', '5.14.15'), false, 'a stable release after the base');
  assert.equal(kernelIncludes('5.14.21', '5.14.15'), true);
  assert.equal(kernelIncludes('5.14.21', '5.10.37'), false, "another series' stable release");
  assert.equal(kernelIncludes('5.10.40', '5.13'), false, 'a later mainline release');
  assert.equal(kernelIncludes('2.6.32.30', '2.6.32.8'), true);
});

test('a version that is not a kernel version is refused with the input named', () => {
  assert.throws(
    () => parseKernelVersion('5.14.0-284.el9', "based_on of stream 'rhel-9.2'"),
    (e: Error & { exitCode?: number; input?: string }) =>
      e.exitCode === 2 &&
      e.input === '5.14.0-284.el9' &&
      /based_on of stream 'rhel-9\.2' '5\.14\.0-284\.el9' is not a kernel version/.test(e.message),
  );
  assert.deepEqual(parseKernelVersion('v6.1-rc3'), { text: 'v6.1-rc3', parts: [6, 1], rc: 3 });
});
