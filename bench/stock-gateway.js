// A stock @apollo/gateway 2.14.4 on @apollo/server 5.5.1 (standalone, defaults everywhere) over
// Agentry's subgraphs, for bench/gateway.ts to compare against. No authentication at all: the
// client sends a pre-signed identity token in `x-agentry-identity` and it is forwarded as is to
// every subgraph. Plain JavaScript run by plain `node`, like the compiled services.
//   SUPERGRAPH_PATH=supergraph.graphql SUBGRAPH_USERS_URL=... PORT=... node bench/stock-gateway.js
const { readFileSync } = require('node:fs');
const { ApolloServer } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');
const { ApolloGateway, RemoteGraphQLDataSource } = require('@apollo/gateway');

const HEADER = 'x-agentry-identity';

class ForwardIdentity extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.identity) request.http.headers.set(HEADER, context.identity);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH, 'utf8'),
  buildService: ({ name, url }) =>
    new ForwardIdentity({ url: process.env[`SUBGRAPH_${name.toUpperCase()}_URL`] ?? url }),
});
const server = new ApolloServer({ gateway });
startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
  context: async ({ req }) => ({ identity: req.headers[HEADER] }),
}).then(
  ({ url }) => console.log(`stock gateway ready at ${url}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
