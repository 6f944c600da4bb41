// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr.UnitTests.Registration;

[TestFixture]
public sealed partial class RegistrationServiceTests
{
    private RegistrationServiceFixture _fixture = null!;

    [SetUp]
    public void SetUp() => _fixture = new RegistrationServiceFixture();

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    [Test]
    public async Task RegisterAsync_ValidPrivateKeyJwtRequest_StoresClientAndEchoesRegisteredMetadata()
    {
        // Arrange / Act
        var result = await _fixture.RegisterAsync();

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        var body = result.Value!;
        var stored = _fixture.Store.Registrations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(body["client_id"]!.GetValue<string>(), Is.EqualTo(stored.ClientId));
            Assert.That(body["client_id_issued_at"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.Number));
            Assert.That(body["token_endpoint_auth_method"]!.GetValue<string>(), Is.EqualTo("private_key_jwt"));
            Assert.That(body["token_endpoint_auth_signing_alg"]!.GetValue<string>(), Is.EqualTo("PS256"));
            Assert.That(body["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts payments"));
            Assert.That(body["software_id"]!.GetValue<string>(), Is.EqualTo(_fixture.Tpp.SoftwareId));
            Assert.That(body["org_id"]!.GetValue<string>(), Is.EqualTo(_fixture.Tpp.OrganisationId), "SSA claims are flattened");
            Assert.That(body["software_version"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String), "SSA claim types are kept");
            Assert.That(body.ContainsKey("iss"), Is.False, "the SSA's envelope claims are not flattened");
            Assert.That(body.ContainsKey("client_secret"), Is.False, "no secret for private_key_jwt");
            Assert.That(body["software_statement"]!.GetValue<string>(), Does.StartWith("ey"));
            Assert.That(stored.Metadata.JwksUri, Is.EqualTo(RegistrationServiceFixture.TppJwksUri));
        });
    }

    [Test]
    public async Task RegisterAsync_EcKeyEs256Request_Succeeds()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(tppKey: Testing.TestSigningKey.CreateEs256());

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c => c["token_endpoint_auth_signing_alg"] = "ES256");

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public async Task RegisterAsync_SameRequestTwice_SecondIsRejectedAsReplayAndNothingMoreIsStored()
    {
        // Arrange
        var body = _fixture.Tpp.Sign(_fixture.Claims());
        await _fixture.RegisterAsync(body);

        // Act
        var second = await _fixture.RegisterAsync(body);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(second.Error?.Error, Is.EqualTo(DcrErrors.InvalidClientMetadata));
            Assert.That(second.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.JtiReplayed));
            Assert.That(_fixture.Store.Registrations, Has.Count.EqualTo(1));
        });
    }

    [TestCase("application/jwt")]
    [TestCase("application/jose")]
    [TestCase("application/json")]
    [TestCase("application/JOSE; charset=utf-8")]
    public async Task RegisterAsync_AcceptedContentTypes_Succeed(string contentType)
    {
        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.Sign(_fixture.Claims()), contentType);

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public async Task RegisterAsync_JsonStringBody_Succeeds()
    {
        // Act
        var result = await _fixture.RegisterAsync("\"" + _fixture.Tpp.Sign(_fixture.Claims()) + "\"", "application/json");

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public async Task RegisterAsync_DuplicateSoftwareWhenRejected_SecondRegistrationFails()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o => o.Registration.DuplicateRegistrations = DuplicateRegistrationPolicy.Reject);
        await fixture.RegisterAsync();

        // Act
        var second = await fixture.RegisterAsync();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(second.Error?.Error, Is.EqualTo(DcrErrors.InvalidClientMetadata));
            Assert.That(fixture.Store.Registrations, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task RegisterAsync_DuplicateSoftwareWhenAllowed_CreatesSecondClient()
    {
        // Arrange
        await _fixture.RegisterAsync();

        // Act
        var second = await _fixture.RegisterAsync();

        // Assert
        Assert.That(_fixture.Store.Registrations.Select(r => r.ClientId).Distinct().Count(), Is.EqualTo(2), () => second.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public void RegisterAsync_JwksHostUnavailable_ThrowsInfrastructureExceptionAndStoresNothing()
    {
        // Arrange
        _fixture.Jwks.Unavailable = true;

        // Act / Assert
        Assert.ThrowsAsync<DcrInfrastructureException>(() => _fixture.RegisterAsync());
        Assert.That(_fixture.Store.Registrations, Is.Empty);
    }

    [Test]
    public async Task RegisterAsync_SecretMethodEnabled_IssuesSecretOnceAndStoresOnlyItsHash()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(o =>
        {
            o.Registration.TokenEndpointAuthMethods.Add("private_key_jwt");
            o.Registration.TokenEndpointAuthMethods.Add("client_secret_basic");
        });

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c =>
        {
            c["token_endpoint_auth_method"] = "client_secret_basic";
            c.Remove("token_endpoint_auth_signing_alg");
        });

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        var secret = result.Value!["client_secret"]!.GetValue<string>();
        var stored = fixture.Store.Registrations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(secret, Has.Length.EqualTo(36));
            Assert.That(result.Value!["client_secret_expires_at"]!.GetValue<long>(), Is.Zero);
            Assert.That(stored.ClientSecretHash, Does.StartWith("sha256:").And.Not.Contains(secret));
        });
    }

    /// <summary>One changed claim of an otherwise valid request, and the error code it must produce.</summary>
    /// <summary>A request that must be refused with <paramref name="ExpectedError"/> and, when given, exactly <paramref name="ExpectedDescription"/> (so that no other rule can pass for the one under test).</summary>
    public sealed record RejectionCase(string Name, Action<JsonObject>? Ssa, Action<JsonObject>? Request, string ExpectedError, string? ExpectedDescription = null)
    {
        public override string ToString() => Name;
    }

    private async Task AssertRejectedAsync(RejectionCase testCase)
    {
        // Act
        var result = await _fixture.RegisterAsync(testCase.Ssa, testCase.Request);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False, "the request should have been rejected");
            Assert.That(result.Error?.Error, Is.EqualTo(testCase.ExpectedError), () => result.Error?.ErrorDescription ?? string.Empty);
            Assert.That(result.Error?.ErrorDescription, testCase.ExpectedDescription is null ? Is.Not.Empty : Is.EqualTo(testCase.ExpectedDescription));
            Assert.That(_fixture.Store.Registrations, Is.Empty, "nothing is stored for a rejected request");
        });
    }
}
