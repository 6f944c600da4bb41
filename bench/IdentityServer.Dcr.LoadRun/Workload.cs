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
            var softwareId = TestTpp.NewBase62Id(22);
            var organisationId = "0015800001" + TestTpp.NewBase62Id(8);
            var key = keys[i % keys.Length];
            tpps[i] = new BenchTpp(softwareId, organisationId, key, pki.IssueClient(softwareId, organisationId, key), new Uri(jwksBase, $"tpp/{softwareId}.jwks"));
        });
        return new Workload(new TestDirectory("IdentityServer.Dcr Bench Directory"), tpps, keys);
    }

    /// <summary>A signed registration request per TPP, with a fresh SSA and a fresh jti.</summary>
    public string[] SignRegistrations(int from, int count)
    {
        var requests = new string[count];
        Parallel.For(0, count, i => requests[i] = SignRegistration(from + i));
        return requests;
    }

    /// <summary>One registration request of a TPP, with a fresh SSA and jti; <paramref name="edit"/> changes the claims (an update).</summary>
    public string SignRegistration(int tpp, Action<JsonObject>? edit = null)
    {
        var claims = RegistrationClaims(Tpps[tpp], Directory.Sign(SoftwareStatementClaims(Tpps[tpp])));
        edit?.Invoke(claims);
        return Sign(Tpps[tpp], claims);
    }

    /// <summary>The JWT type of a client assertion in OpenIddict's own form (RFC 7523bis), which OpenIddict 7.8 requires of the clients it authenticates itself.</summary>
    public const string ClientAuthenticationType = "client-authentication+jwt";

    /// <summary>One client assertion (private_key_jwt, PS256) with a fresh jti, for the token endpoint, typ JWT (as the plug-ins and the peer take it).</summary>
    public string SignAssertion(int tpp, string clientId, Uri tokenEndpoint) => SignAssertion(tpp, clientId, tokenEndpoint.AbsoluteUri, "JWT");

    /// <summary>One client assertion (private_key_jwt, PS256) with a fresh jti, for <paramref name="audience"/>, with header <c>typ</c> <paramref name="type"/>.</summary>
    public string SignAssertion(int tpp, string clientId, string audience, string type)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Sign(Tpps[tpp], new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["iat"] = now,
            ["exp"] = now + 600,
            ["jti"] = Guid.NewGuid().ToString(),
        }, type);
    }

    /// <summary>A client assertion (private_key_jwt) per registered client, each with its own jti; by default for the token endpoint, typ JWT.</summary>
    public string[] SignAssertions(IReadOnlyList<(int Tpp, string ClientId)> clients, Uri tokenEndpoint, int perClient, string? audience = null, string type = "JWT")
    {
        var assertions = new string[clients.Count * perClient];
        Parallel.For(0, assertions.Length, i =>
        {
            var (tpp, clientId) = clients[i % clients.Count];
            assertions[i] = SignAssertion(tpp, clientId, audience ?? tokenEndpoint.AbsoluteUri, type);
        });
        return assertions;
    }

    /// <summary>
    /// A plain JSON registration request (RFC 7591, no software statement) for Duende's own DCR: the TPP's public keys
    /// inline (<c>jwks</c>), <c>private_key_jwt</c>, client credentials, the scopes of the OBIE request.
    /// </summary>
    public string PlainRegistration(int tpp) => new JsonObject
    {
        ["client_name"] = Tpps[tpp].SoftwareId,
        ["grant_types"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_method"] = "private_key_jwt",
        ["jwks"] = JsonNode.Parse(Tpps[tpp].Jwks),
        ["scope"] = PlainScope,
    }.ToJsonString();

    /// <summary>The scopes of a plain registration: those of the OBIE request that apply to client credentials.</summary>
    public const string PlainScope = "accounts payments";

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

    private static string Sign(BenchTpp tpp, JsonObject claims, string type = "JWT")
        => JWT.Encode(claims.ToJsonString(), tpp.SigningKey, JwsAlgorithm.PS256, new Dictionary<string, object> { ["kid"] = tpp.KeyId, ["typ"] = type });

    /// <summary>An SSA shaped like the Open Banking Directory's (built by <c>TestDirectory</c>), for live software.</summary>
    private JsonObject SoftwareStatementClaims(BenchTpp tpp)
    {
        var claims = Directory.SoftwareStatementClaims(tpp.SoftwareId, tpp.OrganisationId, tpp.JwksUri.AbsoluteUri, RedirectUris);
        claims["software_environment"] = "production";
        claims["software_mode"] = "Live";
        return claims;
    }

    /// <summary>A typical private_key_jwt registration request (built by <c>TestTpp</c>), valid for the whole run.</summary>
    private static JsonObject RegistrationClaims(BenchTpp tpp, string softwareStatement)
    {
        var claims = TestTpp.RegistrationClaims(tpp.SoftwareId, RedirectUris[0], softwareStatement, Audience);
        claims["exp"] = claims["iat"]!.GetValue<long>() + 1800;
        return claims;
    }

    private static readonly string[] RedirectUris = ["https://tpp.example.com/callback", "https://tpp.example.com/callback2"];
}
