// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>
/// One test per known attack on a DCR endpoint, over real mutual TLS with real JWKS hosts and PostgreSQL. Every
/// test asserts the status, the RFC 7591 error code and that no row was written for the software.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SecurityRegressionTests
{
    private TestEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _environment = await TestEnvironment.StartWithEngineAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _environment.DisposeAsync();

    /// <summary>
    /// Unsigned registration request (<c>alg: none</c>). Sources: RFC 8725 §2.1 and §3.1 (perform algorithm
    /// verification); CVE-2015-9235 (node-jsonwebtoken accepted <c>alg: none</c>); RFC 7518 §3.6.
    /// </summary>
    [Test]
    public async Task Post_RequestWithAlgNone_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var header = new JsonObject { ["alg"] = "none", ["kid"] = tpp.SigningKey.KeyId, ["typ"] = "JWT" };
        var body = RawJws.WithSignature(header, Claims(tpp), []);

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, "The registration request is unsigned (alg none is not accepted).");
    }

    /// <summary>
    /// Unsigned software statement inside a validly signed request. Sources: RFC 8725 §3.1; CVE-2015-9235; OBIE
    /// DCR specification (the ASPSP must validate the SSA's signature against the Directory's keys).
    /// </summary>
    [Test]
    public async Task Post_SoftwareStatementWithAlgNone_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var ssa = RawJws.WithSignature(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, _environment.Directory.SoftwareStatementClaims(tpp), []);
        var body = tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience));

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidSoftwareStatement, "The software statement is unsigned (alg none is not accepted).");
    }

    /// <summary>
    /// HS/RS key confusion: HS256 keyed with the TPP's public RSA key (which anyone can fetch). Sources:
    /// CVE-2015-9235; RFC 8725 §2.1 and §3.1; jose-jwt README "Confusion attacks" (always pass the expected alg).
    /// </summary>
    [Test]
    public async Task Post_RequestHs256KeyedWithTppPublicKey_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var publicKeyPem = Encoding.ASCII.GetBytes(((RSA)tpp.SigningKey.Key).ExportSubjectPublicKeyInfoPem());
        var header = new JsonObject { ["alg"] = "HS256", ["kid"] = tpp.SigningKey.KeyId, ["typ"] = "JWT" };
        var body = RawJws.Hs256(publicKeyPem, header, Claims(tpp));

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, "The registration request is signed with HS256; accepted: PS256, ES256.");
    }

    /// <summary>
    /// "Psychic signatures": an ES256 signature of all zeros (r = s = 0). Sources: CVE-2022-21449 (Java 15-18
    /// ECDSA accepted r = s = 0); RFC 8725 §3.3 (validate all cryptographic operations).
    /// </summary>
    [Test]
    public async Task Post_Es256SignatureOfZeros_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp(TestSigningKey.CreateEs256());
        var body = RawJws.WithSignature(RawJws.HeaderFor(tpp.SigningKey), Claims(tpp), new byte[64]);

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, "The registration request's signature is not valid: the signature is invalid.");
    }

    /// <summary>
    /// Software statement signed by an attacker's key that claims the Directory's <c>kid</c>. Sources: RFC 8725
    /// §3.10 (do not trust received claims: the <c>kid</c> only selects among trusted keys); OBIE DCR specification.
    /// </summary>
    [Test]
    public async Task Post_SoftwareStatementSignedByUntrustedKeyWithTrustedKid_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var attacker = TestSigningKey.CreatePs256(_environment.Directory.SigningKey.KeyId);
        var ssa = attacker.Sign(_environment.Directory.SoftwareStatementClaims(tpp));
        var body = tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience));

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidSoftwareStatement, "The software statement's signature is not valid: the signature is invalid.");
    }

    /// <summary>
    /// Expired software statement. Sources: RFC 7519 §4.1.4 (<c>exp</c> must not be accepted after it); OBIE DCR
    /// specification (SSA validation).
    /// </summary>
    [Test]
    public async Task Post_ExpiredSoftwareStatement_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var ssa = _environment.Directory.IssueSoftwareStatement(tpp, c => c["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());

        // Act / Assert
        await AssertRejectedAsync(tpp, tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience)), DcrErrors.InvalidSoftwareStatement, "The software statement has expired.");
    }

    /// <summary>
    /// Software statement issued long ago (a leaked SSA reused). Sources: OBIE DCR specification (the ASPSP may
    /// refuse SSAs whose <c>iat</c> is too old); RFC 7519 §4.1.6.
    /// </summary>
    [Test]
    public async Task Post_SoftwareStatementOlderThanMaxAge_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var ssa = _environment.Directory.IssueSoftwareStatement(tpp, c => c["iat"] = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds());

        // Act / Assert
        await AssertRejectedAsync(tpp, tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience)), DcrErrors.InvalidSoftwareStatement, "The software statement was issued more than 30 minutes ago; obtain a new one.");
    }

    /// <summary>
    /// Replayed request: a second, validly signed request reusing the <c>jti</c> of one already accepted. Sources:
    /// RFC 7519 §4.1.7 (<c>jti</c> prevents replay); OBIE DCR specification (request <c>jti</c>).
    /// </summary>
    [Test]
    public async Task Post_RequestReusingJti_RejectedAndOnlyTheFirstRowExists()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var jti = Guid.NewGuid().ToString();
        using var first = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp, c => c["jti"] = jti));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        // Act
        using var second = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp, c => c["jti"] = jti));

        // Assert
        await RegistrationEndpointTests.AssertErrorAsync(second, DcrErrors.InvalidClientMetadata, "The request's jti has already been used; sign a new request with a fresh jti.");
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
    }

    /// <summary>
    /// Key carried by the token itself (<c>jwk</c>, <c>jku</c>, <c>x5u</c>, <c>x5c</c> naming the attacker's key, and
    /// the token signed with it). Sources: CVE-2018-0114 (node-jose trusted an embedded <c>jwk</c>); RFC 8725 §3.10
    /// (following <c>jku</c>/<c>x5u</c> is an SSRF); RFC 7515 §4.1.2-4.1.6; jose-jwt README "Two-phase validation".
    /// </summary>
    [TestCase("jwk")]
    [TestCase("jku")]
    [TestCase("x5u")]
    [TestCase("x5c")]
    public async Task Post_RequestSignedWithKeyNamedInItsOwnHeader_RejectedWithoutFetching(string headerName)
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var attacker = TestSigningKey.CreatePs256("attacker");
        var path = $"attacker/{Guid.NewGuid():N}";
        _environment.Documents.Serve(path, TestSigningKey.JwksOf(attacker));
        var header = RawJws.HeaderFor(attacker);
        header[headerName] = headerName switch
        {
            "jwk" => attacker.PublicJwkJson(),
            "x5c" => new JsonArray(Convert.ToBase64String(SelfSigned(attacker).RawData)),
            _ => _environment.Documents.UriFor(path).AbsoluteUri,
        };
        var body = RawJws.Sign(attacker, header, Claims(tpp));

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, $"The registration request carries a '{headerName}' header; keys are never taken from the token, so it is refused.");
        Assert.That(_environment.Documents.RequestsFor(path), Is.Zero);
    }

    /// <summary>
    /// Software statement signed by an attacker's key embedded as <c>jwk</c>. Sources: CVE-2018-0114; RFC 8725 §3.10.
    /// </summary>
    [Test]
    public async Task Post_SoftwareStatementWithEmbeddedJwk_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var attacker = TestSigningKey.CreatePs256(_environment.Directory.SigningKey.KeyId);
        var header = RawJws.HeaderFor(attacker);
        header["jwk"] = attacker.PublicJwkJson();
        var ssa = RawJws.Sign(attacker, header, _environment.Directory.SoftwareStatementClaims(tpp));

        // Act / Assert
        await AssertRejectedAsync(tpp, tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience)), DcrErrors.InvalidSoftwareStatement, "The software statement carries a 'jwk' header; keys are never taken from the token, so it is refused.");
    }

    /// <summary>
    /// A TPP's valid request sent over another TPP's transport certificate (stolen SSA and signing key, or a
    /// confused client). Sources: RFC 8705 §1 (certificate-bound clients); OBIE DCR specification (the transport
    /// certificate must belong to the organisation of the software statement).
    /// </summary>
    [Test]
    public async Task Post_TransportCertificateOfAnotherOrganisation_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var other = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(other.TransportCertificate, _environment.SignedRequest(tpp));

        // Assert
        await RegistrationEndpointTests.AssertErrorAsync(response, DcrErrors.UnapprovedSoftwareStatement, "The transport certificate does not belong to the organisation or software of the software statement.");
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        Assert.That(await _environment.CountRegistrationsAsync(other.SoftwareId), Is.Zero);
    }

    /// <summary>
    /// A body one byte larger than <see cref="RequestObjectOptions.MaxBodySize"/>. Sources: CWE-770 (allocation
    /// without limits); house style §7 (enforce size limits before parsing).
    /// </summary>
    [Test]
    public async Task Post_BodyOneByteOverLimit_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var limit = _environment.Host.Services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue.RequestObject.MaxBodySize;
        var body = _environment.SignedRequest(tpp);
        body += new string(' ', limit + 1 - Encoding.UTF8.GetByteCount(body));

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, $"The request body is larger than {limit} bytes.");
    }

    /// <summary>
    /// A software statement over <see cref="SoftwareStatementOptions.MaxLength"/> inside a body under the limit.
    /// Sources: CWE-770; RFC 8725 §2.9 (indirect attacks on the server).
    /// </summary>
    [Test]
    public async Task Post_OversizedSoftwareStatement_Rejected()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var ssa = _environment.Directory.IssueSoftwareStatement(tpp, c => c["software_client_description"] = new string('x', 20_000));

        // Act / Assert
        await AssertRejectedAsync(tpp, tpp.Sign(tpp.RegistrationClaims(ssa, TestEnvironment.Audience)), DcrErrors.InvalidSoftwareStatement, "The software statement is longer than 16384 characters.");
    }

    /// <summary>
    /// A Content-Length of a terabyte with a small body: the endpoint must answer from the header, not allocate or
    /// wait for the body. Sources: CWE-400 and CWE-770; RFC 9110 §8.6.
    /// </summary>
    [Test]
    public async Task Post_HugeContentLengthWithSmallBody_RejectedWithoutReadingTheBody()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var body = _environment.SignedRequest(tpp);
        var address = _environment.Host.BaseAddress;
        var head = $"POST /register HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/jose\r\n"
            + "Content-Length: 1000000000000\r\nConnection: close\r\n\r\n";

        // Act
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, address.Port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [tpp.TransportCertificate!],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => _environment.Pki.IsIssuedHere(certificate as X509Certificate2),
        }, timeout.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head + body), timeout.Token);
        await tls.FlushAsync(timeout.Token);
        var response = await ReadToEndAsync(tls, timeout.Token);

        // Assert
        var json = JsonNode.Parse(response[response.IndexOf('{', StringComparison.Ordinal)..(response.LastIndexOf('}') + 1)])!;
        Assert.Multiple(async () =>
        {
            Assert.That(response, Does.StartWith("HTTP/1.1 400"), response);
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo(DcrErrors.InvalidClientMetadata));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    /// <summary>
    /// A TPP registering with another software's identifier in its own request (<c>software_id</c> or <c>iss</c>).
    /// Sources: OBIE DCR specification (request <c>iss</c> and <c>software_id</c> must be the SSA's
    /// <c>software_id</c>); RFC 7591 §2.3 (software statement values take precedence); RFC 8725 §3.8.
    /// </summary>
    [TestCase("software_id")]
    [TestCase("iss")]
    public async Task Post_RequestClaimingAnotherSoftwaresId_Rejected(string claim)
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var victim = _environment.NewTpp();
        var body = _environment.SignedRequest(tpp, c => c[claim] = victim.SoftwareId);

        // Act / Assert
        await AssertRejectedAsync(tpp, body, DcrErrors.InvalidClientMetadata, claim == "iss"
            ? $"The registration request's iss '{victim.SoftwareId}' must be the software statement's software_id."
            : "The request's software_id must match the software statement's software_id.");
        Assert.That(await _environment.CountRegistrationsAsync(victim.SoftwareId), Is.Zero);
    }

    /// <summary>
    /// SSRF through <c>software_jwks_endpoint</c>: a loopback address with no <see cref="JwksOptions.AllowedNetworks"/>
    /// listed must be refused before any connection. Sources: RFC 8725 §3.10; CWE-918; OBIE DCR specification
    /// (the request is verified with the keys at the SSA's <c>software_jwks_endpoint</c>).
    /// </summary>
    [Test]
    public async Task Post_SoftwareJwksEndpointOnNonPublicAddress_RejectedWithoutConnecting()
    {
        // Arrange: a separate environment with the production default (public addresses only).
        await using var environment = await TestEnvironment.StartWithEngineAsync(o => o.Jwks.AllowedNetworks.Clear());
        var tpp = environment.NewTpp();
        var path = new Uri(tpp.JwksUri).AbsolutePath;

        // Act
        using var response = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));

        // Assert
        await RegistrationEndpointTests.AssertErrorAsync(response, DcrErrors.InvalidSoftwareStatement, "The software_jwks_endpoint may not be used: The JWKS host does not resolve to a public address.");
        Assert.Multiple(async () =>
        {
            Assert.That(environment.Documents.RequestsFor(path), Is.Zero, "the TPP's JWKS path must not be fetched");
            Assert.That(environment.Documents.RequestsFor("directory.jwks"), Is.EqualTo(1), "the trust anchor's JWKS is configured by the bank and still fetched");
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    private JsonObject Claims(TestTpp tpp) => tpp.RegistrationClaims(_environment.Directory.IssueSoftwareStatement(tpp), TestEnvironment.Audience);

    private async Task AssertRejectedAsync(TestTpp tpp, string body, string error, string description)
    {
        using var response = await _environment.PostAsync(tpp.TransportCertificate, body);
        await RegistrationEndpointTests.AssertErrorAsync(response, error, description);
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
    }

    private static X509Certificate2 SelfSigned(TestSigningKey key)
    {
        var request = new CertificateRequest("CN=attacker", (RSA)key.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static async Task<string> ReadToEndAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        using var received = new MemoryStream();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server may reset the connection after answering, since it never reads the announced body.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
