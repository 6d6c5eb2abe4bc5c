/*
 * `npm run verify:install`'s npm registry (run through helper.js registry PACKS_DIR PORT_FILE):
 * serves the packed tarballs of PACKS_DIR, so that the READMEs' `yarn add @gitops-pipelines/…`
 * lines run as written although the packages are not on npm. Only the @gitops-pipelines scope is
 * pointed here (a .yarnrc.yml above the stock app); everything else comes from npm as usual.
 * Writes the port it listens on (127.0.0.1, chosen by the system) to PORT_FILE.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

function registry(dir, portFile) {
  const packages = new Map(); // name -> { manifest, file, basename }
  for (const name of fs.readdirSync(dir).filter(f => f.endsWith('.tgz'))) {
    const file = path.join(dir, name);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', file, 'package/package.json'], {
        encoding: 'utf8',
      }),
    );
    const basename = `${manifest.name.split('/').pop()}-${
      manifest.version
    }.tgz`;
    packages.set(manifest.name, { manifest, file, basename });
  }
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(
      1,
    );
    const tarball = [...packages.values()].find(
      p => url === `${p.manifest.name}/-/${p.basename}`,
    );
    if (tarball) {
      res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(fs.readFileSync(tarball.file));
    } else if (packages.has(url)) {
      const { manifest, file, basename } = packages.get(url);
      const data = fs.readFileSync(file);
      const digest = algo => crypto.createHash(algo).update(data);
      const now = new Date().toISOString(); // published now: the .yarnrc.yml above the app exempts the scope from its age gate
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          name: manifest.name,
          'dist-tags': { latest: manifest.version },
          versions: {
            [manifest.version]: {
              ...manifest,
              dist: {
                tarball: `http://${req.headers.host}/${manifest.name}/-/${basename}`,
                shasum: digest('sha1').digest('hex'),
                integrity: `sha512-${digest('sha512').digest('base64')}`,
              },
            },
          },
          time: { created: now, modified: now, [manifest.version]: now },
        }),
      );
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":"not found"}');
    }
    console.log(`${req.method} /${url} ${res.statusCode}`);
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(portFile, String(server.address().port));
    console.log(
      `registry: ${[...packages.keys()].join(', ')} on ${
        server.address().port
      }`,
    );
  });
}

module.exports = { registry };
