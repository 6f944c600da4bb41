// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// Revocation of transport certificates, for real: the test CA publishes a CRL over HTTP on loopback, the bank checks it
/// online (the production default) with no verdict cache, and a certificate revoked after registration is refused at
/// the token endpoint and at management; an unreachable CRL and a certificate without revocation information follow
/// the bank's policy for an unknown status (<c>Dcr:Transport:RevocationStatusUnknown</c>).
/// </summary>
/// <remarks>Derive one fixture per plug-in and start its bank with the given profile in <see cref="StartHostAsync"/>.</remarks>
[NonParallelizable]
public abstract class RevocationLifecycleTests
{
    // .NET keeps a downloaded CRL until its nextUpdate: a short validity lets a new revocation be seen in the test.
    private static readonly TimeSpan CrlValidity = TimeSpan.FromSeconds(2);

    private TestEnvironment _environment = null!;
    private LoopbackCrlServer _crl = null!;
    private ILifecycleHost _bank = null!;

    /// <summary>
    /// Starts the bank on the environment (trust, audience, JWKS as for <see cref="ObieLifecycleTests"/>) with online
    /// revocation checking (a 3-second time-out), certificate-bound access tokens, and the given policy for an unknown
    /// status and verdict cache duration.
    /// </summary>
    protected abstract Task<ILifecycleHost> StartHostAsync(TestEnvironment environment, RevocationProfile profile);

    /// <summary>The revocation settings a fixture's bank runs with.</summary>
    /// <param name="AcceptUnknown">Accept (and log) an unknown status instead of refusing it.</param>
    /// <param name="CacheDuration">How long a verdict is reused.</param>
    protected sealed record RevocationProfile(bool AcceptUnknown, TimeSpan CacheDuration)
    {
        /// <summary>Sets the bank's options: online checking (a 3-second time-out), this profile, certificate-bound access tokens.</summary>
        /// <param name="options">The bank's engine options.</param>
        public void Apply(DcrOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            options.Transport.RevocationMode = X509RevocationMode.Online;
            options.Transport.RevocationStatusUnknown = AcceptUnknown ? RevocationUnknownHandling.AcceptAndLog : RevocationUnknownHandling.Refuse;
            options.Transport.RevocationCacheDuration = CacheDuration;
            options.Transport.RevocationTimeout = TimeSpan.FromSeconds(3);
            options.Registration.CertificateBoundAccessTokens = true;
        }
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _environment = await TestEnvironment.StartAsync();
        _crl = new LoopbackCrlServer(() => _environment.Pki.BuildCrl(CrlValidity));
        await _crl.StartAsync();
        _environment.Pki.CrlDistributionPoint = _crl.Uri;
        _bank = await StartHostAsync(_environment, new RevocationProfile(AcceptUnknown: false, TimeSpan.Zero));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _bank.DisposeAsync();
        await _crl.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [SetUp]
    public void MakeCrlAvailable() => _crl.Available = true;

    private async Task<string> RegisterAsync(ILifecycleHost bank, TestTpp tpp)
    {
        using var response = await _environment.SendAsync(HttpMethod.Post, bank.RegistrationEndpoint, tpp.TransportCertificate, body: _environment.SignedRequest(tpp));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> TokenAsync(ILifecycleHost bank, TestTpp tpp, string clientId)
        => _environment.PostFormAsync(bank.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, bank.TokenEndpoint),
        });

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    [Test]
    public async Task CertificateRevokedAfterRegistration_IsRefusedAtTokenEndpointManagementAndRegistration()
    {
        // Arrange: registered and working while its certificate is good.
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_bank, tpp);
        using var first = await TokenAsync(_bank, tpp, clientId);
        var token = (await JsonAsync(first))["access_token"]!.GetValue<string>();
        using var read = await _environment.SendAsync(HttpMethod.Get, new Uri(_bank.RegistrationEndpoint + "/" + clientId), tpp.TransportCertificate, token);
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), "good before the revocation");
        var fetchesBefore = _crl.Requests;

        // Act: the CA revokes the certificate; the CRL .NET holds expires, and the next check fetches the new one.
        _environment.Pki.Revoke(tpp.TransportCertificate!);
        await Task.Delay(CrlValidity + TimeSpan.FromSeconds(1));
        using var tokenAfter = await TokenAsync(_bank, tpp, clientId);
        using var readAfter = await _environment.SendAsync(HttpMethod.Get, new Uri(_bank.RegistrationEndpoint + "/" + clientId), tpp.TransportCertificate, token);
        using var registerAgain = await _environment.SendAsync(HttpMethod.Post, _bank.RegistrationEndpoint, tpp.TransportCertificate, body: _environment.SignedRequest(tpp));

        // Assert
        var tokenJson = await JsonAsync(tokenAfter);
        var readJson = await JsonAsync(readAfter);
        var registerJson = await JsonAsync(registerAgain);
        Assert.Multiple(() =>
        {
            Assert.That((int)tokenAfter.StatusCode, Is.InRange(400, 401), tokenJson.ToJsonString());
            Assert.That(tokenJson["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"));
            // Duende gives invalid_client without a description; where there is one, it names the rule.
            Assert.That(tokenJson["error_description"]?.GetValue<string>() ?? "(revoked: no description)", Does.Contain("revoked"));
            Assert.That(readAfter.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), readJson.ToJsonString());
            Assert.That(readJson["error_description"]?.GetValue<string>(), Does.Contain("revoked"));
            Assert.That(registerAgain.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), registerJson.ToJsonString());
            Assert.That(registerJson["error_description"]?.GetValue<string>(), Does.Contain("revoked"));
            Assert.That(_crl.Requests, Is.GreaterThan(fetchesBefore), "the CRL was fetched again");
        });
    }

    [Test]
    public async Task CrlUnreachableAndUnknownRefused_RegistrationIs503AndTokenIsInvalidClient()
    {
        // Arrange: a new certificate (no CRL of it cached yet would matter: the distribution point is down).
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_bank, tpp);
        await Task.Delay(CrlValidity + TimeSpan.FromSeconds(1));
        _crl.Available = false;
        var other = _environment.NewTpp();

        // Act
        using var register = await _environment.SendAsync(HttpMethod.Post, _bank.RegistrationEndpoint, other.TransportCertificate, body: _environment.SignedRequest(other));
        using var token = await TokenAsync(_bank, tpp, clientId);

        // Assert
        var registerJson = await JsonAsync(register);
        var tokenJson = await JsonAsync(token);
        Assert.Multiple(async () =>
        {
            Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), registerJson.ToJsonString());
            Assert.That(registerJson["error"]?.GetValue<string>(), Is.EqualTo("temporarily_unavailable"));
            Assert.That(register.Headers.RetryAfter, Is.Not.Null);
            Assert.That(await _environment.CountRegistrationsAsync(other.SoftwareId), Is.Zero);
            Assert.That(tokenJson["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), tokenJson.ToJsonString());
            Assert.That(tokenJson["error_description"]?.GetValue<string>() ?? "(try again later: no description)", Does.Contain("try again later"));
        });
    }

    [Test]
    public async Task CertificateWithoutRevocationInformation_IsRefusedWith400()
    {
        // Arrange: a certificate of the trusted CA that names no CRL distribution point.
        var tpp = _environment.NewTpp();
        var distributionPoint = _environment.Pki.CrlDistributionPoint;
        _environment.Pki.CrlDistributionPoint = null;
        try
        {
            tpp.TransportCertificate = _environment.Pki.IssueClientCertificate(tpp.LegacyTransportSubject());
        }
        finally
        {
            _environment.Pki.CrlDistributionPoint = distributionPoint;
        }

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Post, _bank.RegistrationEndpoint, tpp.TransportCertificate, body: _environment.SignedRequest(tpp));

        // Assert
        var json = await JsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error_description"]?.GetValue<string>(), Does.Contain("revocation status cannot be determined"));
        });
    }

    [Test]
    public async Task CrlUnreachableAndUnknownAccepted_IsRegistered()
    {
        // Arrange: a second bank that accepts (and logs) an unknown status.
        await using var lenient = await StartHostAsync(_environment, new RevocationProfile(AcceptUnknown: true, TimeSpan.Zero));
        _crl.Available = false;
        await Task.Delay(CrlValidity + TimeSpan.FromSeconds(1));
        var tpp = _environment.NewTpp();

        // Act
        var clientId = await RegisterAsync(lenient, tpp);

        // Assert
        Assert.That(clientId, Is.Not.Empty);
    }

    [Test]
    public async Task VerdictCache_SameCertificateWithinTheCacheDuration_IsNotCheckedAgain()
    {
        // Arrange: a bank that keeps verdicts for a minute; the CRL .NET downloaded expires in between.
        await using var cached = await StartHostAsync(_environment, new RevocationProfile(AcceptUnknown: false, TimeSpan.FromMinutes(1)));
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(cached, tpp);
        await Task.Delay(CrlValidity + TimeSpan.FromSeconds(1));
        var fetches = _crl.Requests;

        // Act
        using var token = await TokenAsync(cached, tpp, clientId);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(token.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_crl.Requests, Is.EqualTo(fetches), "the verdict was reused: no CRL fetch");
        });
    }
}
