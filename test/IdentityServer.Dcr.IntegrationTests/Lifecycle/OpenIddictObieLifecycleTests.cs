// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>
/// The OBIE lifecycle suite on the OpenIddict plug-in (the same suite runs on the Duende plug-in), and what only
/// OpenIddict's bank shows: its application rows follow the registrations.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await OpenIddictLifecycleHost.StartAsync(environment);

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task Lifecycle_PrivateKeyJwt_TokenSurvivesPutAndDiesWithDelete(string algorithm)
    {
        // Arrange
        var tpp = Environment.NewTpp(algorithm == "PS256" ? TestSigningKey.CreatePs256() : TestSigningKey.CreateEs256());
        var (clientId, _) = await RegisterAsync(tpp, c => c["token_endpoint_auth_signing_alg"] = algorithm);
        var uri = ManagementUri(clientId);

        // Act
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        using var read = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var update = await Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token,
            Environment.SignedRequest(tpp, c => { c["token_endpoint_auth_signing_alg"] = algorithm; c["scope"] = "openid accounts"; }));
        using var readAfterUpdate = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var delete = await Environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);
        using var readAfterDelete = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var updateAfterDelete = await Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token, Environment.SignedRequest(tpp));
        using var deleteAfterDelete = await Environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), await update.Content.ReadAsStringAsync());
            Assert.That(readAfterUpdate.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(readAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(updateAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(deleteAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(readAfterDelete.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await Environment.CountApplicationsAsync(clientId), Is.Zero);
        });
    }

    [Test]
    public async Task Token_TlsClientAuth_IssuesTokenThatManagesTheRegistration()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject;
        });

        // Act
        var token = await TokenWithTlsClientAuthAsync(tpp, clientId);
        using var read = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_TlsClientAuthWithCertificateOfAnotherDn_IsInvalidClient()
    {
        // Arrange
        var tpp = Environment.NewTpp();
        var other = Environment.NewTpp();
        var (clientId, _) = await RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject;
        });

        // Act
        using var response = await Environment.PostFormAsync(Host.TokenEndpoint, other.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
        });

        // Assert
        await AssertInvalidClientAsync(response);
    }
}

/// <summary>
/// The OBIE lifecycle suite on the OpenIddict plug-in with certificate-bound access tokens
/// (<c>Dcr:Registration:CertificateBoundAccessTokens</c>), where management validates the binding.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictCertificateBoundObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await OpenIddictLifecycleHost.StartAsync(environment, options => options.Registration.CertificateBoundAccessTokens = true);
}

/// <summary>
/// The OBIE lifecycle suite through a real TLS-terminating reverse proxy (YARP) that forwards the client certificate:
/// registration, tokens with <c>private_key_jwt</c> and <c>tls_client_auth</c>, certificate-bound tokens and
/// management all see the forwarded certificate.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReverseProxyObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await ReverseProxyLifecycleHost.StartAsync(environment, options => options.Registration.CertificateBoundAccessTokens = true);
}

/// <summary>Revocation of transport certificates on the OpenIddict plug-in, against a loopback CA publishing a CRL.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictRevocationTests : RevocationLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment, RevocationProfile profile)
        => await OpenIddictLifecycleHost.StartAsync(environment, profile.Apply);
}
