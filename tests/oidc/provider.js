// An OpenID Connect provider for tests/oidc_process_test, built on the
// certified oidc-provider package: JWT access tokens by the client
// credentials grant, for the audience named by the `resource` parameter.
//
//   node provider.js PORT KID
//
// Signs with a fresh RSA key named KID (restarting with another KID is a key
// rotation: the old key is no longer published). Clients (secret "secret"):
// manager-app (groups sales-managers), fnb-app (fnb-staff), short-lived
// (sales-managers, tokens valid 2 seconds).
const crypto = require('crypto');
const { Provider } = require('oidc-provider');

const port = Number(process.argv[2]);
const kid = process.argv[3] || 'k1';
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
const groups = { 'manager-app': ['sales-managers'], 'fnb-app': ['fnb-staff'], 'short-lived': ['sales-managers'] };
const client = (id) => ({
  client_id: id, client_secret: 'secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
});

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: Object.keys(groups).map(client),
  jwks: { keys: [jwk] },
  cookies: { keys: ['atrium-test-cookie-key'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:atrium',
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource, c) => ({
        scope: '',
        audience: resource,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  ttl: { ClientCredentials: (ctx, token, c) => (c.clientId === 'short-lived' ? 2 : 300) },
  extraTokenClaims: (ctx, token) => ({ groups: groups[token.clientId] || [], name: `${token.clientId} 用户` }),
});
provider.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port} with key ${kid}`));
