/** Test helper: the value a report embeds in `<script id="…">`, plain JSON or packed (gzip, base64). */
import { PACKED_JSON_TYPE, unpackJson } from '../../../src/viz/packed/index.ts';

export async function embedded(html: string, id: string): Promise<any> {
  const match = new RegExp(`<script type="([^"]+)" id="${id}">(.*?)</script>`, 's').exec(html);
  if (!match?.[2]) throw new Error(`no #${id} in the page`);
  return match[1] === PACKED_JSON_TYPE ? unpackJson(match[2]) : JSON.parse(match[2]);
}
