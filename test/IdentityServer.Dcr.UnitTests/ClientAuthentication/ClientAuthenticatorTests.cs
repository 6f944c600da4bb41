// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.UnitTests.ClientAuthentication;

/// <summary>
/// The engine's client authentication rules, which both plug-ins call: every refusal is <c>invalid_client</c> with the
/// description of the rule that failed.
/// </summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ClientAuthenticatorTests : IDisposable
{
    private const string ClientId = "client-1";
    private const string SubjectDn = "CN=SoftwareA, OU=0015800001OrgA, O=OpenBanking, C=GB";

    private readonly RegistrationServiceFixture _fixture = new(o => o.Registration.TokenEndpointAuthMethods.Add("tls_client_auth"));

    public void Dispose() => _fixture.Dispose();

    private IClientAuthenticator Authenticator => _fixture.Services.GetRequiredService<IClientAuthenticator>();

    private static RegisteredClient PrivateKeyJwtClient(string? alg = "PS256")
        => new(ClientId, "private_key_jwt", alg, null, RegistrationServiceFixture.TppJwksUri);

    private JsonObject Claims(Action<JsonObject>? modify = null)
    {
        var now = _fixture.Time.GetUtcNow();
        var claims = new JsonObject
        {
            ["iss"] = ClientId,
            ["sub"] = ClientId,
            ["aud"] = "https://bank.example.com/token",
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        modify?.Invoke(claims);
        return claims;
    }

    [Test]
    public async Task CheckAssertionAsync_Valid_ReturnsTheTppKeyAndClaims()
    {
        // Arrange
        var claims = Claims();

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), _fixture.Tpp.Sign(claims), CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(check.Succeeded, Is.True, check.Error?.ErrorDescription);
            Assert.That(check.Key!.KeyId, Is.EqualTo(_fixture.Tpp.SigningKey.KeyId));
            Assert.That(check.Algorithm, Is.EqualTo("PS256"));
            Assert.That(check.TokenId, Is.EqualTo(claims["jti"]!.GetValue<string>()));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CheckAssertionAsync_NoKidOrEmptyKid_TheOneKeyOfTheAlgorithmIsUsed(bool emptyKid)
    {
        // Arrange: OBIE conformance suite assertions carry no kid; an empty one names nothing either.
        var assertion = emptyKid
            ? _fixture.Tpp.SigningKey.Sign(Claims(), keyIdOverride: string.Empty)
            : _fixture.Tpp.SigningKey.Sign(Claims(), omitKeyId: true);

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(check.Succeeded, Is.True, check.Error?.ErrorDescription);
            Assert.That(check.Key!.KeyId, Is.EqualTo(_fixture.Tpp.SigningKey.KeyId));
        });
    }

    [Test]
    public async Task CheckAssertionAsync_NoKidAndTwoKeysOfTheAlgorithm_RefusedAsAmbiguous()
    {
        // Arrange
        using var second = TestSigningKey.CreatePs256("second");
        _fixture.Jwks.Serve(RegistrationServiceFixture.TppJwksUri, TestSigningKey.JwksOf(_fixture.Tpp.SigningKey, second));
        var assertion = _fixture.Tpp.SigningKey.Sign(Claims(), omitKeyId: true);

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(check.Error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(check.Error?.ErrorDescription, Does.EndWith(JwksReasons.NoSingleKey));
        });
    }

    [TestCase("exp", "The client assertion must carry exp as a NumericDate.")]
    [TestCase("jti", "The client assertion must carry jti.")]
    [TestCase("sub", "The client assertion's iss and sub must both be the client_id.")]
    [TestCase("iss", "The client assertion's iss and sub must both be the client_id.")]
    public async Task CheckAssertionAsync_RequiredClaimMissing_IsInvalidClient(string claim, string description)
    {
        // Arrange
        var assertion = _fixture.Tpp.Sign(Claims(c => c.Remove(claim)));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(check.Error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(check.Error?.ErrorDescription, Is.EqualTo(description));
        });
    }

    [TestCase("sub")]
    [TestCase("iss")]
    public async Task CheckAssertionAsync_ClaimNamesAnotherClient_IsInvalidClient(string claim)
    {
        // Arrange
        var assertion = _fixture.Tpp.Sign(Claims(c => c[claim] = "another-client"));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion's iss and sub must both be the client_id."));
    }

    [Test]
    public async Task CheckAssertionAsync_NotBeforeInTheFuture_IsInvalidClient()
    {
        // Arrange
        var assertion = _fixture.Tpp.Sign(Claims(c => c["nbf"] = _fixture.Time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds()));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion is not valid yet (nbf)."));
    }

    [Test]
    public async Task CheckAssertionAsync_Expired_IsInvalidClient()
    {
        // Arrange
        var assertion = _fixture.Tpp.Sign(Claims(c => c["exp"] = _fixture.Time.GetUtcNow().AddMinutes(-3).ToUnixTimeSeconds()));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion has expired (exp)."));
    }

    [Test]
    public async Task CheckAssertionAsync_ValidForTenYears_IsInvalidClient()
    {
        // Arrange
        var assertion = _fixture.Tpp.Sign(Claims(c => c["exp"] = _fixture.Time.GetUtcNow().AddYears(10).ToUnixTimeSeconds()));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion must expire within 60 minutes."));
    }

    [Test]
    public async Task CheckAssertionAsync_AlgorithmOtherThanRegistered_IsInvalidClient()
    {
        // Act: registered for ES256, signed with PS256.
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient("ES256"), _fixture.Tpp.Sign(Claims()), CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion is not signed with the registered token_endpoint_auth_signing_alg."));
    }

    [Test]
    public async Task CheckAssertionAsync_UnknownKid_IsInvalidClient()
    {
        // Arrange
        var assertion = _fixture.Tpp.SigningKey.Sign(Claims(), keyIdOverride: "stranger");

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.AssertionKeyNotFound(JwksReasons.KeyNotFound)));
    }

    [TestCase("not-a-jwt", "The client assertion is not a compact JWS (three base64url parts separated by dots).")]
    [TestCase("", "The client assertion is empty.")]
    public async Task CheckAssertionAsync_NotAJws_IsInvalidClient(string assertion, string expected)
    {
        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(check.Error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(check.Error?.ErrorDescription, Is.EqualTo(expected));
        });
    }

    [Test]
    public async Task CheckAssertionAsync_StandardBase64Signature_IsInvalidClient()
    {
        // Arrange: the same token with its signature in standard base64 ('+', '/', padding) instead of base64url.
        var parts = _fixture.Tpp.Sign(Claims()).Split('.');
        var signature = Convert.ToBase64String(System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]));
        var assertion = $"{parts[0]}.{parts[1]}.{signature}";
        Assume.That(signature, Does.Contain("=").Or.Contain("+").Or.Contain("/"));

        // Act
        var check = await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), assertion, CancellationToken.None);

        // Assert
        Assert.That(check.Error?.ErrorDescription, Is.EqualTo("The client assertion is not base64url-encoded without padding (RFC 7515)."));
    }

    [Test]
    public async Task CheckAssertionAsync_JwksHostDown_ThrowsInfrastructureFault()
    {
        // Arrange
        _fixture.Jwks.Unavailable = true;

        // Act / Assert
        Assert.ThrowsAsync<DcrInfrastructureException>(async () =>
            await Authenticator.CheckAssertionAsync(PrivateKeyJwtClient(), _fixture.Tpp.Sign(Claims()), CancellationToken.None));
    }

    [TestCase("private_key_jwt", "tls_client_auth", "The client is registered for 'tls_client_auth' client authentication.")]
    [TestCase("none", "private_key_jwt", "The client is registered for 'private_key_jwt' client authentication.")]
    public void CheckMethod_PresentedIsNotRegistered_IsInvalidClient(string presented, string registered, string description)
    {
        // Act
        var error = Authenticator.CheckMethod(new RegisteredClient(ClientId, registered, null, SubjectDn, null), presented);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(error?.ErrorDescription, Is.EqualTo(description));
        });
    }

    [Test]
    public void CheckMethod_DisabledClient_IsInvalidClientWhateverItPresents()
    {
        // Act: the registered method, presented as registered.
        var error = Authenticator.CheckMethod(new RegisteredClient(ClientId, "tls_client_auth", null, SubjectDn, null, Disabled: true), "tls_client_auth");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(error?.ErrorDescription, Is.EqualTo("The client is disabled by the bank."));
        });
    }

    [Test]
    public void CheckMethod_RegisteredMethodNoLongerEnabled_IsInvalidClient()
    {
        // Act
        var error = Authenticator.CheckMethod(new RegisteredClient(ClientId, "client_secret_basic", null, null, null), "client_secret_basic");

        // Assert
        Assert.That(error?.ErrorDescription, Is.EqualTo("The 'client_secret_basic' client authentication method is not enabled."));
    }

    [Test]
    public async Task CheckTlsClientAuthAsync_RegisteredSubjectInAnotherOrder_IsAuthenticated()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName(SubjectDn));
        var client = new RegisteredClient(ClientId, "tls_client_auth", null, "C=GB,O=OpenBanking,OU=0015800001OrgA,CN=SoftwareA", null);

        // Act
        var error = await Authenticator.CheckTlsClientAuthAsync(client, certificate, CancellationToken.None);

        // Assert
        Assert.That(error, Is.Null);
    }

    [Test]
    public async Task CheckTlsClientAuthAsync_NoCertificate_IsInvalidClient()
    {
        // Act
        var error = await Authenticator.CheckTlsClientAuthAsync(new RegisteredClient(ClientId, "tls_client_auth", null, SubjectDn, null), null, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(error?.ErrorDescription, Is.EqualTo("A transport certificate is required: connect with mutual TLS."));
        });
    }

    [Test]
    public async Task CheckTlsClientAuthAsync_AnotherSubject_IsInvalidClient()
    {
        // Arrange
        using var certificate = _fixture.Pki.IssueClientCertificate(new X500DistinguishedName("CN=SoftwareB, OU=0015800001OrgA, O=OpenBanking, C=GB"));

        // Act
        var error = await Authenticator.CheckTlsClientAuthAsync(new RegisteredClient(ClientId, "tls_client_auth", null, SubjectDn, null), certificate, CancellationToken.None);

        // Assert
        Assert.That(error?.ErrorDescription, Is.EqualTo("The transport certificate's subject is not the registered tls_client_auth_subject_dn."));
    }

    [Test]
    public async Task CheckTlsClientAuthAsync_ServerCertificateWithTheRegisteredSubject_IsInvalidClient()
    {
        // Arrange: the bank's trusted CA, the registered subject, but a TLS server certificate.
        using var certificate = _fixture.Pki.IssueCertificateWithUsages(new X500DistinguishedName(SubjectDn), [TestPki.ServerAuthentication]);

        // Act
        var error = await Authenticator.CheckTlsClientAuthAsync(new RegisteredClient(ClientId, "tls_client_auth", null, SubjectDn, null), certificate, CancellationToken.None);

        // Assert
        Assert.That(error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotForClientAuthentication));
    }

    [Test]
    public async Task CheckBindingCertificateAsync_UntrustedCa_IsInvalidClient()
    {
        // Arrange
        using var rogue = new TestPki("Rogue CA");
        using var certificate = rogue.IssueClientCertificate(new X500DistinguishedName(SubjectDn));

        // Act
        var error = await Authenticator.CheckBindingCertificateAsync(PrivateKeyJwtClient(), certificate, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(error?.Error, Is.EqualTo(DcrErrors.InvalidClient));
            Assert.That(error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.CertificateNotTrusted("PartialChain")));
        });
    }

    [Test]
    public void CheckMethod_ClientIdWithLineBreaksAndAFlood_IsLoggedBoundedAndEscaped()
    {
        // Arrange: the client id comes from the request (client_id or the assertion's iss); a forged log line follows
        // a line break, then a flood.
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<ClientAuthenticator>();
        var authenticator = new ClientAuthenticator(_fixture.Jwks, _fixture.Services.GetRequiredService<IdentityServer.Dcr.Validation.ITransportCertificateValidator>(),
            _fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<IdentityServer.Dcr.Configuration.DcrOptions>>(), _fixture.Time, logger);
        var hostile = "client\r\n2026-12-06 info: forged line" + new string('x', 5000);

        // Act
        authenticator.CheckMethod(new RegisteredClient(hostile, "private_key_jwt", null, null, null), "tls_client_auth");

        // Assert
        var message = logger.LatestRecord.Message;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Not.Contain("\r").And.Not.Contain("\n"));
            Assert.That(message, Does.Contain("\\u000D\\u000A"));
            Assert.That(message, Has.Length.LessThan(400));
        });
    }
}
