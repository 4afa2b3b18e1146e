import { parse } from 'yaml';
import { keepDigits } from './exact-json.js';

/**
 * YAML as the `yaml` package reads it, except that an integer a double cannot hold keeps its digits
 * (a LosslessNumber, see parseJsonExact). Decimals are read as doubles.
 *
 * @throws YAMLParseError when `text` is not YAML
 */
export function parseYamlExact(text: string): unknown {
  return parse(text, (_key, value) => (typeof value === 'bigint' ? keepDigits(value.toString()) : value), { intAsBigInt: true });
}
