// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>The method enforcement decision and the checks made for registered clients at the token endpoint.</summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed partial class ValidateDcrClientAuthenticationTests : IDisposable
{
    private const string SubjectDn = "CN=SoftwareA, OU=0015800001OrgA, O=OpenBanking, C=GB";

    private readonly InMemoryClientRegistrationStore _store = new();
    private readonly FakeTransportCertificateValidator _chains = new();
    private readonly FakeLogger<ValidateDcrClientAuthentication> _logger = new();
    private readonly FakeLogger<ClientAuthenticator> _engineLogger = new();
    private readonly TestPki _pki = new();
    private readonly TestSigningKey _key = TestSigningKey.CreatePs256();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private DcrOptions _options = Registrations.Options();

    public void Dispose()
    {
        _pki.Dispose();
        _key.Dispose();
    }

    private readonly (IOpenIddictApplicationManager Manager, FakeApplicationManager Fake) _applications = FakeApplicationManager.Create();

    private ValidateDcrClientAuthentication Handler()
    {
        var options = new TestOptionsMonitor<DcrOptions>(_options);
        var authenticator = new ClientAuthenticator(new FixedJwksResolver(_key), _chains, options, _time, _engineLogger);
        return new(_store, _applications.Manager, authenticator, new NoCertificateAccessor(), new ClientSecretHasher(), options, _time, _logger);
    }

    private async Task<ClientRegistration> StoreAsync(ClientRegistration registration)
    {
        await _store.CreateAsync(registration, new UsedRequestToken(registration.SoftwareId, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(5)), false, CancellationToken.None);
        return registration;
    }

    private string Assertion(string clientId) => _key.Sign(new JsonObject
    {
        ["iss"] = clientId,
        ["sub"] = clientId,
        ["aud"] = Transactions.TokenEndpoint,
        ["jti"] = Guid.NewGuid().ToString(),
        ["exp"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds(),
    });

    private X509Certificate2 Certificate(string subject = SubjectDn) => _pki.IssueClientCertificate(new X500DistinguishedName(subject));

    private static ProcessAuthenticationContext Context(string? clientId = null, string? assertion = null, string? secret = null, X509Certificate2? certificate = null)
    {
        var transaction = Transactions.Token();
        transaction.RemoteCertificate = certificate;
        transaction.Request = new OpenIddictRequest { ClientId = clientId, ClientSecret = secret };
        return new ProcessAuthenticationContext(transaction) { ClientAssertion = assertion };
    }

    [Test]
    public async Task HandleAsync_UnknownClient_LeavesItToOpenIddict()
    {
        // Arrange
        var context = Context(clientId: "not-registered", secret: "s3cret");

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.IsRejected, Is.False);
            Assert.That(DcrClientAuthenticationState.Get(context.Transaction), Is.Null);
        });
    }

    [Test]
    public async Task HandleAsync_NotTheTokenEndpoint_DoesNothing()
    {
        // Arrange
        var registration = await StoreAsync(Registrations.Create());
        var context = Context(clientId: registration.ClientId);
        context.Transaction.EndpointType = OpenIddictServerEndpointType.Introspection;

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(DcrClientAuthenticationState.Get(context.Transaction), Is.Null);
    }

    [Test]
    public async Task HandleAsync_PrivateKeyJwtWithAssertion_AttachesRegistrationAndLeavesSignatureToOpenIddict()
    {
        // Arrange: client_id comes from the (unverified) assertion issuer when the form has none.
        var registration = await StoreAsync(Registrations.Create());
        var context = Context(assertion: Assertion(registration.ClientId));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.IsRejected, Is.False);
            Assert.That(DcrClientAuthenticationState.Get(context.Transaction)?.Client.ClientId, Is.EqualTo(registration.ClientId));
        });
    }

    [TestCase("private_key_jwt", "tls_client_auth")]
    [TestCase("private_key_jwt", "client_secret_post")]
    [TestCase("tls_client_auth", "private_key_jwt")]
    [TestCase("tls_client_auth", "none")]
    [TestCase("client_secret_basic", "client_secret_post")]
    [TestCase("client_secret_post", "private_key_jwt")]
    public async Task HandleAsync_PresentedMethodIsNotTheRegisteredOne_IsInvalidClient(string registered, string presented)
    {
        // Arrange
        _options = Registrations.Options("private_key_jwt", "tls_client_auth", "client_secret_basic", "client_secret_post");
        var registration = await StoreAsync(Registrations.Create(method: registered, subjectDn: registered == "tls_client_auth" ? SubjectDn : null));
        using var certificate = Certificate();
        var context = presented switch
        {
            "private_key_jwt" => Context(registration.ClientId, assertion: Assertion(registration.ClientId), certificate: certificate),
            "tls_client_auth" => Context(registration.ClientId, certificate: certificate),
            "client_secret_post" => Context(registration.ClientId, secret: "s3cret", certificate: certificate),
            _ => Context(registration.ClientId),
        };

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.IsRejected, Is.True);
            Assert.That(context.Error, Is.EqualTo("invalid_client"));
            Assert.That(context.ErrorDescription, Is.EqualTo($"The client is registered for '{registered}' client authentication."));
            Assert.That(_engineLogger.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(1580));
        });
    }

    [Test]
    public async Task HandleAsync_RegisteredMethodNoLongerEnabled_IsInvalidClient()
    {
        // Arrange: registered while the bank allowed tls_client_auth, which it has since switched off.
        _options = Registrations.Options("private_key_jwt");
        var registration = await StoreAsync(Registrations.Create(method: "tls_client_auth", subjectDn: SubjectDn));
        using var certificate = Certificate();
        var context = Context(registration.ClientId, certificate: certificate);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo("invalid_client"));
            Assert.That(context.ErrorDescription, Is.EqualTo("The 'tls_client_auth' client authentication method is not enabled."));
            Assert.That(_engineLogger.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(1581));
        });
    }

    [TestCase("CN=SoftwareA, OU=0015800001OrgA, O=OpenBanking, C=GB", true)]
    [TestCase("C=GB, O=OpenBanking, OU=0015800001OrgA, CN=SoftwareA", true)]
    [TestCase("CN=SoftwareB, OU=0015800001OrgA, O=OpenBanking, C=GB", false)]
    public async Task HandleAsync_TlsClientAuth_SubjectMustBeTheRegisteredDn(string certificateSubject, bool accepted)
    {
        // Arrange
        var registration = await StoreAsync(Registrations.Create(method: "tls_client_auth", subjectDn: SubjectDn));
        using var certificate = Certificate(certificateSubject);
        var context = Context(registration.ClientId, certificate: certificate);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(context.IsRejected, Is.EqualTo(!accepted), context.ErrorDescription);
    }

    [Test]
    public async Task HandleAsync_TlsClientAuthWithUntrustedChain_IsInvalidClient()
    {
        // Arrange
        _chains.Trusts = _ => false;
        var registration = await StoreAsync(Registrations.Create(method: "tls_client_auth", subjectDn: SubjectDn));
        using var certificate = Certificate();
        var context = Context(registration.ClientId, certificate: certificate);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo("invalid_client"));
            Assert.That(context.ErrorDescription, Is.EqualTo("The transport certificate is not trusted."), "the chain check's own description");
            Assert.That(_engineLogger.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(1583));
        });
    }
}
