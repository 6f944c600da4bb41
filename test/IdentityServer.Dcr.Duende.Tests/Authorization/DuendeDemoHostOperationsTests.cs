// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The Duende demo bank in-process (Development, PostgreSQL): the issuer it publishes is the configured one whatever
/// port it runs on and is accepted as a registration's <c>aud</c>; its health and Prometheus endpoints.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeDemoHostOperationsTests
{
    private const string ConfiguredIssuer = "https://bank.example.test:5444";

    private TestEnvironment _environment = null!;
    private InProcessDuendeDemoHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _environment = await TestEnvironment.StartAsync();
        _host = await InProcessDuendeDemoHost.StartAsync(_environment, new Dictionary<string, string?> { ["Dcr:Issuer"] = ConfiguredIssuer });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Test]
    public async Task Register_AudIsThePublishedIssuer_OnAnotherPort_IsCreated()
    {
        // Arrange: the TPP reads the issuer from discovery, as TPP tools do.
        using var plain = Client(null);
        var discovery = JsonNode.Parse(await plain.GetStringAsync(new Uri(_host.Url + "/.well-known/openid-configuration")))!;
        var issuer = discovery["issuer"]!.GetValue<string>();
        var tpp = _environment.NewTpp();

        // Act
        using var client = Client(tpp);
        using var content = new StringContent(_environment.SignedRequest(tpp, c => c["aud"] = issuer), Encoding.UTF8, "application/jose");
        using var response = await client.PostAsync(new Uri(_host.Url + "/register"), content);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(issuer, Is.EqualTo(ConfiguredIssuer));
            Assert.That(_host.Url, Does.Not.Contain(":5444"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        });
    }

    [Test]
    public async Task Register_RefusedThenCreated_BothInTheAuditTrailWithTheCertificate()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        using var client = Client(tpp);

        // Act: a request the software did not sign (another iss), then a valid one.
        using (var refused = await client.PostAsync(new Uri(_host.Url + "/register"), new StringContent(_environment.SignedRequest(tpp, c => c["iss"] = "another-software"), Encoding.UTF8, "application/jose")))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (var created = await client.PostAsync(new Uri(_host.Url + "/register"), new StringContent(_environment.SignedRequest(tpp), Encoding.UTF8, "application/jose")))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        }

        // Assert
        var entries = await _host.Services.GetRequiredService<IDcrAuditStore>().FindAsync(new DcrAuditQuery { SoftwareId = tpp.SoftwareId }, CancellationToken.None);
        var thumbprint = tpp.TransportCertificate!.GetCertHashString(HashAlgorithmName.SHA256);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => (e.Operation, e.Outcome)), Is.EqualTo(new[] { ("create", "success"), ("create", "rejected") }));
            Assert.That(entries[1].ErrorCode, Is.Not.Null.And.Not.Empty);
            Assert.That(entries.Select(e => e.CertificateThumbprint), Is.All.EqualTo(thumbprint));
        });
    }

    [Test]
    public async Task HealthAndMetrics_Served()
    {
        // Act
        using var client = Client(null);
        using var ready = await client.GetAsync(new Uri(_host.Url + "/health/ready"));
        var readyBody = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        using var live = await client.GetAsync(new Uri(_host.Url + "/health/live"));
        var metrics = await client.GetStringAsync(new Uri(_host.Url + "/metrics"));

        // Assert: the configured OB directory cannot be reached from here, the test's directory can.
        var anchors = readyBody["checks"]!["dcr-trust-anchors"]!;
        Assert.Multiple(() =>
        {
            Assert.That(readyBody["checks"]!["dcr-store"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"), readyBody.ToJsonString());
            Assert.That(anchors[_environment.Directory.Issuer]!.GetValue<string>(), Is.EqualTo("keys loaded"), readyBody.ToJsonString());
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(metrics, Does.Contain("# TYPE"), "the Prometheus exposition format");
        });
    }

    private static HttpClient Client(Testing.TestTpp? tpp)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        if (tpp?.TransportCertificate is { } certificate)
        {
            handler.ClientCertificates.Add(certificate);
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
        }

        return new HttpClient(handler);
    }
}
