import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import { assertFetchableUrl, classifyAddress, type AddressClass } from '../src/ssrf';

// Literal addresses only: classification never touches the network.
const TABLE: [string, AddressClass][] = [
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['172.32.0.1', 'public'], // just outside 172.16/12
  ['100.128.0.1', 'public'], // just outside 100.64/10
  ['2606:4700:4700::1111', 'public'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['169.254.169.254', 'link-local'], // cloud metadata
  ['fe80::1', 'link-local'],
  ['100.64.0.1', 'shared'],
  ['100.127.255.255', 'shared'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['198.18.0.1', 'reserved'],
  // IPv4-mapped IPv6, dotted and hex, judged as the IPv4 address they carry.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['::ffff:8.8.8.8', 'public'],
  // NAT64 and IPv4-compatible forms.
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['::127.0.0.1', 'reserved'],
];

describe('classifyAddress', () => {
  for (const [ip, expected] of TABLE) {
    it(`${ip} is ${expected}`, () => assert.equal(classifyAddress(ip), expected));
  }

  it('throws on something that is not an IP', () => {
    assert.throws(() => classifyAddress('example.com'), TypeError);
  });
});

describe('assertFetchableUrl', () => {
  const refused = (pattern: RegExp) => (err: unknown) => {
    assert.equal(
      (err as { extensions: { code: string } }).extensions.code,
      ErrorCode.BAD_USER_INPUT,
    );
    assert.match((err as Error).message, pattern);
    return true;
  };

  it('refuses private IP literals unless allowPrivate', async () => {
    for (const url of [
      'http://127.0.0.1:4101/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/',
      'http://0x7f.1/', // URL normalizes this to 127.0.0.1
      'http://2130706433/',
    ]) {
      await assert.rejects(assertFetchableUrl(url), refused(/resolves to a private address/), url);
      await assertFetchableUrl(url, { allowPrivate: true });
    }
  });

  it('refuses localhost by what it resolves to (from the hosts file)', async () => {
    await assert.rejects(
      assertFetchableUrl('http://localhost:4101/'),
      refused(/resolves to a private address: .*loopback/),
    );
  });

  it('accepts a public IP literal without resolving anything', async () => {
    const url = await assertFetchableUrl('https://8.8.8.8/card.json');
    assert.equal(url.hostname, '8.8.8.8');
  });

  it('refuses other schemes and credentials, even with allowPrivate', async () => {
    await assert.rejects(
      assertFetchableUrl('ftp://8.8.8.8/', { allowPrivate: true }),
      refused(/http or https/),
    );
    await assert.rejects(
      assertFetchableUrl('file:///etc/passwd', { allowPrivate: true }),
      refused(/http or https/),
    );
    await assert.rejects(
      assertFetchableUrl('http://user:secret@8.8.8.8/', { allowPrivate: true }),
      (err: unknown) => {
        refused(/user name or password/)(err);
        assert.doesNotMatch((err as Error).message, /secret/);
        return true;
      },
    );
    await assert.rejects(assertFetchableUrl('not a url'), refused(/not a valid URL/));
  });
});
