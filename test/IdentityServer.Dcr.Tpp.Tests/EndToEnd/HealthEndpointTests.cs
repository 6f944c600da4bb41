// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Jose;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> on the demo bank in-process: the store, every trust anchor's keys and the
/// token signing credentials; a trust anchor whose directory cannot be reached makes the bank not ready, never not live.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class HealthEndpointTests
{
    [Test]
    public async Task Ready_EveryCheckHealthy_200WithEachCheck()
    {
        // Arrange: the configured directory's anchor replaced by an inline JWKS (no network needed).
        using var rsa = RSA.Create(2048);
        var jwks = new JsonObject { ["keys"] = new JsonArray(JsonNode.Parse(new Jwk(rsa, isPrivate: false) { KeyId = "k1", Use = "sig" }.ToJson(JWT.DefaultSettings.JsonMapper))) }.ToJsonString();
        await using var host = await InProcessDemoHost.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dcr:SoftwareStatement:TrustAnchors:0:JwksUri"] = string.Empty,
            ["Dcr:SoftwareStatement:TrustAnchors:0:Jwks"] = jwks,
        });

        // Act
        var (status, body) = await GetAsync(host, "/health/ready");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(body["checks"]!.AsObject().Select(c => c.Key), Is.EquivalentTo(new[] { "dcr-store", "dcr-trust-anchors", "dcr-signing-credentials" }));
            Assert.That(body["checks"]!.AsObject().Select(c => c.Value!["status"]!.GetValue<string>()), Is.All.EqualTo("Healthy"));
        });
    }

    [Test]
    public async Task Ready_DirectoryUnreachable_503NamingTheAnchor_LiveStill200()
    {
        // Arrange: the directory's JWKS URL answers nothing (a closed loopback port; loopback is allowed in Development).
        await using var host = await InProcessDemoHost.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dcr:SoftwareStatement:TrustAnchors:0:JwksUri"] = $"https://127.0.0.1:{LoopbackPort.Free()}/openbanking.jwks",
        });

        // Act
        var (ready, readyBody) = await GetAsync(host, "/health/ready");
        var (live, liveBody) = await GetAsync(host, "/health/live");

        // Assert
        var anchors = readyBody["checks"]!["dcr-trust-anchors"]!;
        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.EqualTo(HttpStatusCode.ServiceUnavailable), readyBody.ToJsonString());
            Assert.That(anchors["status"]!.GetValue<string>(), Is.EqualTo("Unhealthy"));
            Assert.That(anchors["OpenBanking Ltd"]!.GetValue<string>(), Does.StartWith("unavailable"));
            Assert.That(anchors["IdentityServer.Dcr Sandbox Directory"]!.GetValue<string>(), Is.EqualTo("keys loaded"));
            Assert.That(readyBody["checks"]!["dcr-store"]!["status"]!.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(live, Is.EqualTo(HttpStatusCode.OK), "liveness runs no check");
            Assert.That(liveBody["checks"]!.AsObject(), Is.Empty);
        });
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(InProcessDemoHost host, string path)
    {
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        using var response = await client.GetAsync(new Uri(host.Url + path));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
