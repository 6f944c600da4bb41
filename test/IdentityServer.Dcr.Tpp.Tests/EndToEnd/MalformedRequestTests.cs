// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// A form the framework cannot read (over its key, value or field-count limits) on the demo bank in its shipped
/// Development profile: <c>400 invalid_request</c> as JSON, never the developer exception page's 500 with a stack trace,
/// on OpenIddict's token and pushed authorization endpoints and on the host's own operator form; and a parameter sent
/// twice at the token and pushed authorization endpoints is <c>invalid_request</c> naming it (RFC 6749 section 3.1).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class MalformedRequestTests
{
    private static readonly string[] Paths = ["/connect/token", "/connect/par", "/operator/sign-in"];

    private InProcessDemoHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await InProcessDemoHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    public static IEnumerable<TestCaseData> Forms()
    {
        foreach (var path in Paths)
        {
            yield return new TestCaseData(path, "fields").SetArgDisplayNames(path, "1,100 fields");
            yield return new TestCaseData(path, "key").SetArgDisplayNames(path, "a 3,000-character key");
            yield return new TestCaseData(path, "value").SetArgDisplayNames(path, "a 5 MB value");
        }
    }

    [TestCaseSource(nameof(Forms))]
    public async Task Post_FormOverTheFrameworksLimits_400InvalidRequestAsJson(string path, string kind)
    {
        // Arrange
        var form = kind switch
        {
            "fields" => string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=1")),
            "key" => new string('k', 3000) + "=1",
            _ => "grant_type=client_credentials&client_assertion=" + new string('A', 5 * 1024 * 1024),
        };

        // Act
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri(_host.Url + path), content);
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body[..Math.Min(body.Length, 500)]);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            var json = JsonNode.Parse(body)!;
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_request"));
            Assert.That(json["error_description"]!.GetValue<string>(), Does.StartWith(DcrErrorDescriptions.RequestUnreadable).And.Contain("limit"));
            Assert.That(body, Does.Not.Contain(" at "), "no stack trace");
        });
    }

    [Test]
    public async Task Post_BodyOverKestrelsLimit_413InvalidRequestAsJson()
    {
        // Arrange: eight values under the form's 4 MB value limit, 32 MB in all: over Kestrel's 30,000,000-byte body limit.
        var value = new string('A', 4_000_000);
        var form = string.Join('&', Enumerable.Range(0, 8).Select(i => $"f{i}={value}"));

        // Act: Expect: 100-continue, so that the answer arrives before the body is sent (Kestrel closes the connection
        // after a 413, and a client still sending would see a broken pipe instead of the answer).
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        client.DefaultRequestHeaders.ExpectContinue = true;
        using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri(_host.Url + "/connect/token"), content);
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), body[..Math.Min(body.Length, 500)]);
            Assert.That(JsonNode.Parse(body)!["error"]!.GetValue<string>(), Is.EqualTo("invalid_request"));
        });
    }

    [TestCase("/connect/token", "grant_type=client_credentials&grant_type=client_credentials&client_id=c")]
    [TestCase("/connect/par", "client_id=c&client_id=c&response_type=code&scope=openid")]
    public async Task Post_ParameterSentTwice_400InvalidRequestNamingIt(string path, string form)
    {
        // Act
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri(_host.Url + path), content);
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        var json = JsonNode.Parse(body)!;
        var repeated = form.Split('&')[0].Split('=')[0];
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("invalid_request"), body);
            Assert.That(json["error_description"]!.GetValue<string>(), Is.EqualTo(DcrErrorDescriptions.ParameterRepeated(repeated)), body);
        });
    }
}
