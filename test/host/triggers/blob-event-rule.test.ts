import { parseBlobEventRule, validateBlobEventRule } from '../../../host/src/triggers/blob-event-rule';

describe('blob event rules', () => {
  it('parses container, queue and subject suffix', () => {
    expect(parseBlobEventRule('input:blob-created:/_manifest.json')).toEqual({
      container: 'input',
      queue: 'blob-created',
      subjectSuffix: '/_manifest.json',
    });
  });

  it('accepts a rule without a suffix', () => {
    expect(parseBlobEventRule('uploads:new-blobs').subjectSuffix).toBe('');
  });

  it('rejects a rule without a queue', () => {
    expect(() => parseBlobEventRule('input')).toThrow(
      'blob events rule "input" is invalid: use container:queue[:subjectSuffix], for example input:blob-created:/_manifest.json',
    );
  });

  it('rejects an invalid container name', () => {
    expect(() => parseBlobEventRule('Input_Files:q1x')).toThrow(
      'blob events rule "Input_Files:q1x": container name "Input_Files" is invalid: use 3 to 63 lower-case letters, digits and single hyphens',
    );
  });

  it('checks rules given to startHost directly', () => {
    expect(() => validateBlobEventRule({ container: 'input', queue: 'x', subjectSuffix: '' })).toThrow(
      'blob events rule "input:x": queue name "x" is invalid',
    );
  });
});
