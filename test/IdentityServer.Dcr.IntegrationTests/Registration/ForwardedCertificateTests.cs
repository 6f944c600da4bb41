// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;

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
        await using var environment = await RegistrationEnvironment.StartAsync(o =>
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
}
