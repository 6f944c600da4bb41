// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Jose;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>One TPP of the run: identifiers, a signing key with its own kid and JWKS URL, and a transport certificate.</summary>
public sealed class BenchTpp : IDisposable
{
    private readonly Lock _lock = new();
    private HttpClient? _client;

    public BenchTpp(string softwareId, string organisationId, RSA signingKey, X509Certificate2 transportCertificate, Uri jwksUri)
    {
        SoftwareId = softwareId;
        OrganisationId = organisationId;
        SigningKey = signingKey;
        KeyId = Guid.NewGuid().ToString("N");
        TransportCertificate = transportCertificate;
        JwksUri = jwksUri;
        var jwk = new Jwk(signingKey, isPrivate: false) { KeyId = KeyId, Use = "sig", Alg = "PS256" };
        Jwks = new JsonObject { ["keys"] = new JsonArray(JsonNode.Parse(jwk.ToJson(JWT.DefaultSettings.JsonMapper))) }.ToJsonString();
    }

    public string SoftwareId { get; }

    public string OrganisationId { get; }

    public RSA SigningKey { get; }

    public string KeyId { get; }

    public X509Certificate2 TransportCertificate { get; }

    public Uri JwksUri { get; }

    /// <summary>The public JWKS served at <see cref="JwksUri"/>.</summary>
    public string Jwks { get; }

    /// <summary>The TPP's own HTTP client: its own handler, presenting its own transport certificate (mutual TLS).</summary>
    public HttpClient Client(X509Certificate2 serverCertificate, TimeSpan timeout)
    {
        lock (_lock)
        {
            return _client ??= CreateClient(serverCertificate, timeout);
        }
    }

    private HttpClient CreateClient(X509Certificate2 serverCertificate, TimeSpan timeout)
    {

        var expected = serverCertificate.GetCertHashString();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = 4,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = new SslClientAuthenticationOptions
            {
                // The chain is known: no chain building per handshake on the client side.
                ClientCertificateContext = SslStreamCertificateContext.Create(TransportCertificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && c.GetCertHashString() == expected,
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>Closes the TPP's connections (between servers).</summary>
    public void ResetClient()
    {
        lock (_lock)
        {
            _client?.Dispose();
            _client = null;
        }
    }

    public void Dispose()
    {
        ResetClient();
        TransportCertificate.Dispose();
    }
}
