// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing.PostgreSql;
using Npgsql;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// What every host of the lifecycle suite shares: a test CA, a directory whose JWKS is served over HTTPS, TPPs whose
/// JWKS is served there too, and a fresh PostgreSQL database. The host factory turns it into a bank.
/// </summary>
public sealed class LifecycleEnvironment : IAsyncDisposable
{
    /// <summary>The accepted registration audience (an organisation id, as OBIE banks use).</summary>
    public const string Audience = "0015800001ZEZ3HAA3";

    private readonly List<TestTpp> _tpps = [];

    private LifecycleEnvironment(TestPki pki, TestDirectory directory, LoopbackDocumentServer documents, string connectionString, LoopbackTcpProxy database)
    {
        Pki = pki;
        Directory = directory;
        Documents = documents;
        ConnectionString = connectionString;
        Database = database;
        HostConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = database.Port, Timeout = 3, CommandTimeout = 10 }.ConnectionString;
    }

    public TestPki Pki { get; }

    public TestDirectory Directory { get; }

    public LoopbackDocumentServer Documents { get; }

    /// <summary>The directory's JWKS URL (the trust anchor the host must configure).</summary>
    public Uri DirectoryJwksUri => Documents.UriFor("directory.jwks");

    /// <summary>The test's database, straight (for the assertions: what was stored).</summary>
    public string ConnectionString { get; }

    /// <summary>The database as the bank's host reaches it: through <see cref="Database"/>, which a test can cut.</summary>
    public string HostConnectionString { get; }

    /// <summary>The TCP path from the bank to PostgreSQL; cut it for a database outage.</summary>
    public LoopbackTcpProxy Database { get; }

    public static async Task<LifecycleEnvironment> StartAsync()
    {
        var pki = new TestPki();
        var directory = new TestDirectory();
        var documents = new LoopbackDocumentServer(pki.IssueServerCertificate());
        await documents.StartAsync();
        documents.Serve("directory.jwks", directory.Jwks);
        var connectionString = await PostgreSqlTestServer.CreateDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = new LoopbackTcpProxy(target.Host ?? "127.0.0.1", target.Port);
        database.Start();
        return new LifecycleEnvironment(pki, directory, documents, connectionString, database);
    }

    /// <summary>A new TPP with a transport certificate from the test CA and its JWKS served over HTTPS.</summary>
    public TestTpp NewTpp(TestSigningKey? key = null)
    {
        var softwareId = Guid.NewGuid().ToString("N")[..22];
        var tpp = new TestTpp(Documents.UriFor($"tpp/{softwareId}.jwks").AbsoluteUri, key, softwareId);
        tpp.TransportCertificate = Pki.IssueClientCertificate(tpp.LegacyTransportSubject());
        Documents.Serve($"tpp/{softwareId}.jwks", tpp.Jwks);
        _tpps.Add(tpp);
        return tpp;
    }

    /// <summary>Publishes a new JWKS for <paramref name="tpp"/> (key rotation).</summary>
    public void PublishJwks(TestTpp tpp, params TestSigningKey[] keys)
        => Documents.Serve($"tpp/{tpp.SoftwareId}.jwks", TestSigningKey.JwksOf(keys));

    /// <summary>A signed registration request of <paramref name="tpp"/>, valid unless modified.</summary>
    public string SignedRequest(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        var claims = tpp.RegistrationClaims(Directory.IssueSoftwareStatement(tpp), Audience);
        claims["token_endpoint_auth_signing_alg"] = tpp.SigningKey.Algorithm;
        modify?.Invoke(claims);
        return tpp.Sign(claims);
    }

    /// <summary>A <c>private_key_jwt</c> client assertion for <paramref name="clientId"/>.</summary>
    public static string ClientAssertion(TestSigningKey key, string clientId, Uri audience, TimeSpan? lifetime = null)
        => ClientAssertion(key, clientId, audience, lifetime, modify: null, omitKeyId: false);

    /// <summary>A <c>private_key_jwt</c> client assertion for <paramref name="clientId"/>, its claims modified, with or without <c>kid</c>.</summary>
    public static string ClientAssertion(TestSigningKey key, string clientId, Uri audience, TimeSpan? lifetime, Action<JsonObject>? modify, bool omitKeyId, string? keyIdOverride = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var claims = AssertionClaims(clientId, audience, lifetime);
        modify?.Invoke(claims);
        return key.Sign(claims, keyIdOverride: keyIdOverride, omitKeyId: omitKeyId);
    }

    private static JsonObject AssertionClaims(string clientId, Uri audience, TimeSpan? lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience.AbsoluteUri,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromSeconds(120)).TotalSeconds,
        };
    }

    /// <summary>An HTTP client presenting <paramref name="certificate"/> (or none) and trusting the test CA.</summary>
    public HttpClient Client(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, c, _, _) => Pki.IsIssuedHere(c as X509Certificate2),
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Sends a request over mutual TLS with an optional bearer token and body.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, X509Certificate2? certificate, string? accessToken = null, string? body = null, string contentType = "application/jose")
    {
        using var client = Client(certificate);
        using var request = new HttpRequestMessage(method, uri);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts a form (a token request) over mutual TLS.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(Uri uri, X509Certificate2? certificate, IDictionary<string, string> form)
    {
        using var client = Client(certificate);
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(uri, content);
    }

    /// <summary>Counts the engine's registration rows for a software, straight from PostgreSQL.</summary>
    public Task<long> CountRegistrationsAsync(string softwareId)
        => CountAsync("SELECT COUNT(*) FROM \"DcrClientRegistrations\" WHERE \"SoftwareId\" = @v", softwareId);

    /// <summary>Runs a <c>COUNT(*)</c> query with one parameter <c>@v</c>.</summary>
    public async Task<long> CountAsync(string sql, string value)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("v", value);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Documents.DisposeAsync();
        await Database.DisposeAsync();
        foreach (var tpp in _tpps)
        {
            tpp.Dispose();
        }

        Directory.Dispose();
        Pki.Dispose();
    }
}
