// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>POST /register over real mutual TLS on loopback, with real JWKS hosts and a real PostgreSQL database.</summary>
[TestFixture]
[Category("Integration")]
public sealed class RegistrationEndpointTests
{
    private TestEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _environment = await TestEnvironment.StartWithEngineAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _environment.DisposeAsync();

    [Test]
    public async Task Post_ValidPrivateKeyJwtRequest_Returns201AndStoresTheClient()
    {
        // Arrange
        var tpp = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp));

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(body["client_id"]?.GetValueKind(), Is.EqualTo(JsonValueKind.String));
            Assert.That(body["client_id_issued_at"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(body["software_id"]?.GetValue<string>(), Is.EqualTo(tpp.SoftwareId));
            Assert.That(body["org_name"]?.GetValue<string>(), Is.EqualTo("Test TPP Ltd"));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
            Assert.That(await _environment.CountUsedTokensAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Post_TlsClientAuthWithObwacSubjectInOtherOrder_Returns201()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var certificate = _environment.Pki.IssueClientCertificate(tpp.ObwacSubject());
        var dn = $"C=GB;O=Test TPP Ltd;organizationIdentifier=PSDGB-OB-Unknown{tpp.OrganisationId};CN={tpp.OrganisationId}";
        var body = _environment.SignedRequest(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = dn;
        });

        // Act
        using var response = await _environment.PostAsync(certificate, body, "application/jwt");

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Post_WithoutClientCertificate_Returns400AndStoresNothing()
    {
        // Arrange
        var tpp = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(null, _environment.SignedRequest(tpp));

        // Assert
        await AssertErrorAsync(response, DcrErrors.InvalidClientMetadata, "A transport certificate is required: connect with mutual TLS.");
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
    }

    [Test]
    public async Task Post_CertificateFromAnUnknownCa_PassesTheTlsLayerAndIsRefusedAsJson()
    {
        // Arrange: the right subject, issued by a CA the bank does not trust. The TLS layer builds the chain against
        // the bank's roots only (UseDcrTransportCertificates) and lets the connection through; the engine refuses.
        var tpp = _environment.NewTpp();
        using var strangerCa = new TestPki("Unknown Root CA");
        using var certificate = strangerCa.IssueClientCertificate(tpp.LegacyTransportSubject());

        // Act
        using var response = await _environment.PostAsync(certificate, _environment.SignedRequest(tpp));

        // Assert
        await AssertErrorAsync(response, DcrErrors.InvalidClientMetadata, "The transport certificate is not trusted by this bank (PartialChain).");
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error_description"]?.GetValue<string>(), Does.Contain("not trusted"));
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
    }

    [Test]
    public async Task Post_CertificateOfAnotherTpp_Returns400Unapproved()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var other = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(other.TransportCertificate, _environment.SignedRequest(tpp));

        // Assert
        await AssertErrorAsync(response, DcrErrors.UnapprovedSoftwareStatement, "The transport certificate does not belong to the organisation or software of the software statement.");
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
    }

    [Test]
    public async Task Post_SameRequestTwice_SecondIsRejectedAndOneRowRemains()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var body = _environment.SignedRequest(tpp);
        using var first = await _environment.PostAsync(tpp.TransportCertificate, body);

        // Act
        using var second = await _environment.PostAsync(tpp.TransportCertificate, body);

        // Assert
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await AssertErrorAsync(second, DcrErrors.InvalidClientMetadata, "The request's jti has already been used; sign a new request with a fresh jti.");
        Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
    }

    [Test]
    public async Task Post_SameRequestEightTimesConcurrently_ExactlyOneIsCreated()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var body = _environment.SignedRequest(tpp);

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _environment.PostAsync(tpp.TransportCertificate, body)));

        // Assert
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Multiple(async () =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.Created), Is.EqualTo(1), string.Join(", ", statuses));
            Assert.That(statuses.Count(s => s == HttpStatusCode.BadRequest), Is.EqualTo(7), string.Join(", ", statuses));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Post_SixteenDistinctTppsConcurrently_AllAreCreated()
    {
        // Arrange
        var tpps = Enumerable.Range(0, 16).Select(_ => _environment.NewTpp()).ToList();

        // Act
        var responses = await Task.WhenAll(tpps.Select(t => _environment.PostAsync(t.TransportCertificate, _environment.SignedRequest(t))));

        // Assert
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.Created));
        foreach (var tpp in tpps)
        {
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        }
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    public async Task Post_UnsupportedContentType_Returns400(string contentType)
    {
        // Arrange
        var tpp = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp), contentType);

        // Assert
        await AssertErrorAsync(response, DcrErrors.InvalidClientMetadata, "The request's Content-Type must be application/jose, application/jwt or application/json.");
    }

    [Test]
    public async Task Post_OversizedBody_Returns400WithoutReadingItAll()
    {
        // Arrange
        var tpp = _environment.NewTpp();

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, new string('a', 2 * 1024 * 1024));

        // Assert
        await AssertErrorAsync(response, DcrErrors.InvalidClientMetadata, $"The request body is larger than {new RequestObjectOptions().MaxBodySize} bytes.");
    }

    [Test]
    public async Task Post_RequestSignedByKeyRotatedIntoJwks_RefreshesAndSucceeds()
    {
        // Arrange: first registration caches the TPP's JWKS; then the TPP rotates to a new key.
        var tpp = _environment.NewTpp();
        using (var first = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp)))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var newKey = Testing.TestSigningKey.CreatePs256();
        var path = new Uri(tpp.JwksUri).AbsolutePath;
        _environment.Documents.Serve(path, Testing.TestSigningKey.JwksOf(tpp.SigningKey, newKey));
        var claims = tpp.RegistrationClaims(_environment.Directory.IssueSoftwareStatement(tpp), TestEnvironment.Audience);

        // Act
        using var response = await _environment.PostAsync(tpp.TransportCertificate, newKey.Sign(claims));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, string error, string description)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo(error), text);
            Assert.That(body["error_description"]?.GetValue<string>(), Is.EqualTo(description), text);
        });
    }

}
