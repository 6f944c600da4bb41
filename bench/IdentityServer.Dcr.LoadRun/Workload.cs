// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing;
using Jose;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// The TPPs of the run and their really signed requests, built before the timed part: SSAs signed by the directory
/// (PS256), registration requests signed by each TPP (PS256, distinct jti), and client assertions (PS256, distinct jti).
/// </summary>
public sealed class Workload : IDisposable
{
    /// <summary>The registration request's <c>aud</c>: the bank's organisation id, accepted by both servers.</summary>
    public const string Audience = "0015800001BenchBnk";

    private Workload(TestDirectory directory, IReadOnlyList<BenchTpp> tpps, IReadOnlyList<RSA> keys)
    {
        Directory = directory;
        Tpps = tpps;
        _keys = keys;
    }

    private readonly IReadOnlyList<RSA> _keys;

    public TestDirectory Directory { get; }

    public IReadOnlyList<BenchTpp> Tpps { get; }

    public static Workload Create(BenchPki pki, Uri jwksBase, int count, int keyPool)
    {
        var keys = new RSA[keyPool];
        Parallel.For(0, keyPool, i => keys[i] = RSA.Create(2048));
        var tpps = new BenchTpp[count];
        Parallel.For(0, count, i =>
        {
            var softwareId = NewId(22);
            var organisationId = "0015800001" + NewId(8);
            var key = keys[i % keys.Length];
            tpps[i] = new BenchTpp(softwareId, organisationId, key, pki.IssueClient(softwareId, organisationId, key), new Uri(jwksBase, $"tpp/{softwareId}.jwks"));
        });
        return new Workload(new TestDirectory("IdentityServer.Dcr Bench Directory"), tpps, keys);
    }

    /// <summary>A signed registration request per TPP, with a fresh SSA and a fresh jti.</summary>
    public string[] SignRegistrations(int from, int count)
    {
        var requests = new string[count];
        Parallel.For(0, count, i =>
        {
            var tpp = Tpps[from + i];
            var ssa = Directory.Sign(SoftwareStatementClaims(tpp));
            requests[i] = Sign(tpp, RegistrationClaims(tpp, ssa));
        });
        return requests;
    }

    /// <summary>A client assertion (private_key_jwt) per registered client, each with its own jti.</summary>
    public string[] SignAssertions(IReadOnlyList<(int Tpp, string ClientId)> clients, Uri tokenEndpoint, int perClient)
    {
        var assertions = new string[clients.Count * perClient];
        Parallel.For(0, assertions.Length, i =>
        {
            var (tpp, clientId) = clients[i % clients.Count];
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            assertions[i] = Sign(Tpps[tpp], new JsonObject
            {
                ["iss"] = clientId,
                ["sub"] = clientId,
                ["aud"] = tokenEndpoint.AbsoluteUri,
                ["iat"] = now,
                ["exp"] = now + 600,
                ["jti"] = Guid.NewGuid().ToString(),
            });
        });
        return assertions;
    }

    public void Dispose()
    {
        foreach (var tpp in Tpps)
        {
            tpp.Dispose();
        }

        foreach (var key in _keys)
        {
            key.Dispose();
        }

        Directory.Dispose();
    }

    private static string Sign(BenchTpp tpp, JsonObject claims)
        => JWT.Encode(claims.ToJsonString(), tpp.SigningKey, JwsAlgorithm.PS256, new Dictionary<string, object> { ["kid"] = tpp.KeyId, ["typ"] = "JWT" });

    /// <summary>An SSA shaped like the Open Banking Directory's (as <c>TestDirectory</c> builds them), for live software.</summary>
    private JsonObject SoftwareStatementClaims(BenchTpp tpp) => new()
    {
        ["iss"] = Directory.Issuer,
        ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString("N")[..16],
        ["software_environment"] = "production",
        ["software_mode"] = "Live",
        ["software_id"] = tpp.SoftwareId,
        ["software_client_id"] = tpp.SoftwareId,
        ["software_client_name"] = "Bench TPP " + tpp.SoftwareId,
        ["software_client_description"] = "A TPP made by the load run",
        ["software_version"] = "1.5",
        ["software_client_uri"] = "https://tpp.example.com",
        ["software_redirect_uris"] = new JsonArray("https://tpp.example.com/callback", "https://tpp.example.com/callback2"),
        ["software_roles"] = new JsonArray("AISP", "PISP"),
        ["organisation_competent_authority_claims"] = new JsonObject
        {
            ["authority_id"] = "OBGBR",
            ["registration_id"] = "Unknown" + tpp.OrganisationId,
            ["status"] = "Active",
            ["authorisations"] = new JsonArray(new JsonObject { ["member_state"] = "GB", ["roles"] = new JsonArray("AISP", "PISP") }),
        },
        ["software_logo_uri"] = "https://tpp.example.com/logo.png",
        ["org_status"] = "Active",
        ["org_id"] = tpp.OrganisationId,
        ["org_name"] = "Bench TPP Ltd",
        ["org_contacts"] = new JsonArray(new JsonObject { ["name"] = "Technical", ["email"] = "tech@tpp.example.com", ["phone"] = "+440000000000", ["type"] = "Technical" }),
        ["org_jwks_endpoint"] = tpp.JwksUri.AbsoluteUri,
        ["software_jwks_endpoint"] = tpp.JwksUri.AbsoluteUri,
        ["software_policy_uri"] = "https://tpp.example.com/policy",
        ["software_tos_uri"] = "https://tpp.example.com/tos",
        ["software_on_behalf_of_org"] = "Bench TPP Ltd",
    };

    /// <summary>A typical private_key_jwt registration request (as <c>TestTpp</c> builds them).</summary>
    private static JsonObject RegistrationClaims(BenchTpp tpp, string softwareStatement)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = tpp.SoftwareId,
            ["iat"] = now,
            ["exp"] = now + 1800,
            ["jti"] = Guid.NewGuid().ToString(),
            ["aud"] = Audience,
            ["scope"] = "openid accounts payments",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["token_endpoint_auth_signing_alg"] = "PS256",
            ["grant_types"] = new JsonArray("authorization_code", "client_credentials", "refresh_token"),
            ["response_types"] = new JsonArray("code id_token"),
            ["id_token_signed_response_alg"] = "PS256",
            ["request_object_signing_alg"] = "PS256",
            ["application_type"] = "web",
            ["software_id"] = tpp.SoftwareId,
            ["redirect_uris"] = new JsonArray("https://tpp.example.com/callback"),
            ["software_statement"] = softwareStatement,
        };
    }

    private static string NewId(int length)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }
}
