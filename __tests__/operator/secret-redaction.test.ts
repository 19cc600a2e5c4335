import { redactSecrets, SecretRedactor } from '../../operator';

const SECRET = 'abc def+ghi/jkl';

test('masks a secret as is, percent-encoded and form-encoded', () => {
  const text = `raw ${SECRET}, url ${encodeURIComponent(SECRET)}, form ${new URLSearchParams({ s: SECRET }).toString()}`;

  expect(redactSecrets(text, [SECRET])).toBe('raw ***, url ***, form s=***');
});

test('a short secret is masked where it stands alone, not inside other words', () => {
  expect(redactSecrets('host s not found: s3 "s"', ['s'])).toBe('host *** not found: s3 "***"');
});

test('a redactor masks every secret it was given and ignores empty ones', () => {
  const redactor = new SecretRedactor();
  redactor.add('first-secret-1');
  redactor.add('');
  redactor.add(undefined);
  redactor.add('second-secret-2');

  expect(redactor.redact('a first-secret-1 b second-secret-2 c')).toBe('a *** b *** c');
});
