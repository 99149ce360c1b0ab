// Vega 6.2.0 as the site serves it: the official bundle's recipe (rollup, node-resolve for the
// browser, terser) from the official sources, without the transform packages Vega-Lite never emits.
// Every chart here is Altair, i.e. Vega-Lite, so force layouts, trees, word clouds, crossfilter
// and the label layout are dead weight on a phone. Run `npm ci && npm run build` in this folder.
import {readFileSync, writeFileSync, mkdirSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import json from '@rollup/plugin-json';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const VERSION = JSON.parse(readFileSync('node_modules/vega/package.json', 'utf8')).version;
const OUT_DIR = `../../datastory/static/vendor/vega-${VERSION}-slim`;
// Packages left out, with the name vega's index.js imports each under.
const LEFT_OUT = {'vega-force': 'force', 'vega-hierarchy': 'tree', 'vega-label': 'label',
                  'vega-wordcloud': 'wordcloud', 'vega-crossfilter': 'xf'};
const ENTRY = '\0vega-slim-entry';

function replaceOnce(text, from, to) {
  if (!text.includes(from)) throw new Error(`vega/index.js no longer contains ${JSON.stringify(from)}: review LEFT_OUT`);
  return text.replace(from, to);
}

// vega's own index.js, minus the imports and registrations of LEFT_OUT.
function slimEntry() {
  return {
    name: 'vega-slim-entry',
    resolveId: (id) => (id === ENTRY ? ENTRY : null),
    load(id) {
      if (id !== ENTRY) return null;
      let code = readFileSync('node_modules/vega/index.js', 'utf8');
      code = replaceOnce(code, "from './package.json'", `from ${JSON.stringify(join(process.cwd(), 'node_modules/vega/package.json'))}`);
      for (const [pkg, name] of Object.entries(LEFT_OUT)) {
        code = replaceOnce(code, `import * as ${name} from '${pkg}';\n`, '');
      }
      const call = code.match(/extend\(\s*transforms,([^)]*)\)/);
      if (!call) throw new Error('vega/index.js no longer registers transforms with extend(transforms, ...)');
      const kept = call[1].split(',').map((s) => s.trim()).filter((name) => !Object.values(LEFT_OUT).includes(name));
      code = code.replace(call[0], `extend(transforms, ${kept.join(', ')})`);
      return code;
    },
  };
}

// The licence of every package whose code is in the bundle, beside it.
function licences() {
  return {
    name: 'licences',
    generateBundle(_, bundle) {
      const roots = new Set([join(process.cwd(), 'node_modules/vega')]);
      for (const chunk of Object.values(bundle)) {
        for (const id of Object.keys(chunk.modules || {})) {
          const at = id.lastIndexOf('node_modules/');
          if (at < 0) continue;
          const rest = id.slice(at + 'node_modules/'.length).split('/');
          roots.add(id.slice(0, at) + 'node_modules/' + rest.slice(0, rest[0].startsWith('@') ? 2 : 1).join('/'));
        }
      }
      const texts = [...roots].sort().map((root) => {
        const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
        const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => join(root, f)).find(existsSync);
        return `${meta.name}@${meta.version} (${meta.license})\n\n${file ? readFileSync(file, 'utf8').trim() : ''}\n`;
      });
      mkdirSync(OUT_DIR, {recursive: true});
      writeFileSync(join(OUT_DIR, 'LICENSES.txt'), texts.join('\n' + '-'.repeat(72) + '\n\n'));
    },
  };
}

export default {
  input: ENTRY,
  onwarn(warning, warn) { if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning); },
  output: {file: join(OUT_DIR, 'vega.min.js'), format: 'umd', name: 'vega', plugins: [terser()]},
  plugins: [slimEntry(), resolve({browser: true, modulesOnly: true}), json(), licences()],
};
