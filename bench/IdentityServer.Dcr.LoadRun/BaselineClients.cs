// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// The baseline's clients: each TPP's client written directly as an OpenIddict application (binary COPY into
/// <c>OpenIddictApplications</c>, the table the host's migrations made), as a bank would create a client in OpenIddict
/// without DCR: confidential, <c>private_key_jwt</c> with the TPP's public key (the one its assertions are signed with) in
/// the application's JSON Web Key Set, and the permissions of the token endpoint, client credentials and the scopes a
/// registration asks for.
/// </summary>
public static class BaselineClients
{
    /// <summary>The permissions: the token endpoint, client credentials, and the scopes of the OBIE registration request.</summary>
    private static readonly string Permissions = new JsonArray("ept:token", "gt:client_credentials", "scp:openid", "scp:accounts", "scp:payments").ToJsonString();

    public static async Task<List<(int Tpp, string ClientId)>> WriteAsync(string connectionString, Workload workload, int firstTpp, int count, CancellationToken ct)
    {
        var clients = Enumerable.Range(0, count).Select(i => (Tpp: i, ClientId: Guid.NewGuid().ToString())).ToList();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var writer = await connection.BeginBinaryImportAsync(
            """COPY "OpenIddictApplications" ("Id", "ApplicationType", "ClientId", "ClientType", "ConcurrencyToken", "DisplayName", "JsonWebKeySet", "Permissions") FROM STDIN (FORMAT BINARY)""", ct))
        {
            foreach (var (tpp, clientId) in clients)
            {
                var bench = workload.Tpps[firstTpp + tpp];
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(Guid.NewGuid().ToString(), NpgsqlDbType.Text, ct);
                await writer.WriteAsync("web", NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(clientId, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync("confidential", NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(Guid.NewGuid().ToString(), NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(bench.SoftwareId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(bench.Jwks, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(Permissions, NpgsqlDbType.Text, ct);
            }

            await writer.CompleteAsync(ct);
        }

        await using (var analyze = new NpgsqlCommand("""ANALYZE "OpenIddictApplications" """, connection))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        return clients;
    }
}
