// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>The transport certificate forwarded by a TLS-terminating proxy is used only from the proxies the bank names.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ForwardedCertificateTests
{
    private const string Header = "X-SSL-Client-Cert";

    [TestCase("127.0.0.1", HttpStatusCode.Created)]
    [TestCase("10.0.0.7", HttpStatusCode.BadRequest)]
    public async Task Post_CertificateInProxyHeader_IsUsedOnlyFromTrustedProxy(string trustedProxy, HttpStatusCode expected)
    {
        // Arrange
        await using var environment = await TestEnvironment.StartWithEngineAsync(o =>
        {
            o.Transport.ForwardedCertificateHeader = Header;
            o.Transport.TrustedProxies.Add(trustedProxy);
        });
        var tpp = environment.NewTpp();
        using var client = environment.Client(certificate: null);
        using var content = new StringContent(environment.SignedRequest(tpp), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/jose");
        using var request = new HttpRequestMessage(HttpMethod.Post, environment.Host.RegistrationEndpoint) { Content = content };
        request.Headers.Add(Header, Uri.EscapeDataString(tpp.TransportCertificate!.ExportCertificatePem()));

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(expected == HttpStatusCode.Created ? 1 : 0));
        });
    }

    [TestCase("two header values")]
    [TestCase("two certificates in one value")]
    [TestCase("not a certificate")]
    public async Task Post_ForwardedHeaderNotExactlyOneCertificate_Returns400AndStoresNothing(string shape)
    {
        // Arrange: an appending proxy lets a client put a certificate of its choice before its own.
        await using var environment = await TestEnvironment.StartWithEngineAsync(o =>
        {
            o.Transport.ForwardedCertificateHeader = Header;
            o.Transport.TrustedProxies.Add("127.0.0.1");
        });
        var tpp = environment.NewTpp();
        var other = environment.NewTpp();
        var own = tpp.TransportCertificate!.ExportCertificatePem();
        using var client = environment.Client(certificate: null);
        using var content = new StringContent(environment.SignedRequest(tpp), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/jose");
        using var request = new HttpRequestMessage(HttpMethod.Post, environment.Host.RegistrationEndpoint) { Content = content };
        switch (shape)
        {
            case "two header values":
                request.Headers.TryAddWithoutValidation(Header, [Uri.EscapeDataString(own), Uri.EscapeDataString(other.TransportCertificate!.ExportCertificatePem())]);
                break;
            case "two certificates in one value":
                request.Headers.Add(Header, Uri.EscapeDataString(own + "\n" + other.TransportCertificate!.ExportCertificatePem()));
                break;
            default:
                request.Headers.Add(Header, "bm90IGEgY2VydGlmaWNhdGU=");
                break;
        }

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Post_FromTrustedProxyWithoutHeader_TheProxysOwnCertificateIsNotTheClients()
    {
        // Arrange: the trusted proxy (127.0.0.1) connects with a TLS client certificate of its own, which here is a
        // valid TPP certificate; without the header the request carries no client certificate.
        await using var environment = await TestEnvironment.StartWithEngineAsync(o =>
        {
            o.Transport.ForwardedCertificateHeader = Header;
            o.Transport.TrustedProxies.Add("127.0.0.1");
        });
        var tpp = environment.NewTpp();

        // Act
        using var response = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }
}
