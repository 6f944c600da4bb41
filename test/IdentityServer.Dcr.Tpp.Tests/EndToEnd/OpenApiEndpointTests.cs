// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The demo bank's OpenAPI document in Development (host/IdentityServer.Dcr.Host/Shared/DcrOpenApi.cs): the DCR
/// endpoints only, with the specification version and the two ways a TPP authenticates. What the document says of each
/// endpoint is checked against OBIE's files by the integration tests (OpenApiDocumentTests).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenApiEndpointTests
{
    [Test]
    public async Task OpenApiDocument_InDevelopment_DescribesTheDcrEndpointsOnly()
    {
        // Arrange
        await using var host = await InProcessDemoHost.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });

        // Act
        using var response = await client.GetAsync(new Uri(host.Url + "/openapi/dcr.json"));
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        var paths = document["paths"]!.AsObject();
        var read = paths["/register/{ClientId}"]?["get"];
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(document["info"]!["title"]!.GetValue<string>(), Is.EqualTo("OBIE Dynamic Client Registration"));
            Assert.That(document["info"]!["version"]!.GetValue<string>(), Does.Match(@"^v3\.[234]$"));
            Assert.That(paths.Select(p => p.Key), Is.EquivalentTo(new[] { "/register", "/register/{ClientId}" }), "no sandbox, health or metrics endpoint");
            Assert.That(document["components"]!["securitySchemes"]!["mutualTLS"]!["type"]!.GetValue<string>(), Is.EqualTo("mutualTLS"));
            Assert.That(document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>(), Is.EqualTo("bearer"));
            Assert.That(paths["/register"]!["post"]!["security"]![0]!.AsObject().Select(s => s.Key), Is.EquivalentTo(new[] { "mutualTLS" }));
            Assert.That(read?["security"]?[0]?.AsObject().Select(s => s.Key), Is.EquivalentTo(new[] { "mutualTLS", "bearer" }));
        });
    }
}
