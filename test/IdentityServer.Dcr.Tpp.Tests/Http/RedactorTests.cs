// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Tests.Http;

[TestFixture]
public sealed class RedactorTests
{
    private const string Secret = "s3cr3t-VALUE-that-must-not-leak";
    private const string AccessToken = "eyJhbGciOiJQUzI1NiJ9.ACCESS-TOKEN-BODY.signature";

    [Test]
    public void Body_JsonWithSecrets_MasksSecretsAndKeepsTheRest()
    {
        // Arrange
        using var rsa = RSA.Create(2048);
        var body = new JsonObject
        {
            ["client_id"] = "abc",
            ["client_secret"] = Secret,
            ["access_token"] = AccessToken,
            ["private_key_pem"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["n"] = "modulus", ["e"] = "AQAB", ["d"] = Secret, ["p"] = Secret, ["q"] = Secret, ["dp"] = "x", ["dq"] = "y", ["qi"] = "z" }),
            ["other"] = new JsonObject { ["d"] = "not-a-jwk-member" },
        }.ToJsonString();

        // Act
        var redacted = Redactor.Body(body, "application/json");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(redacted, Does.Not.Contain(Secret));
            Assert.That(redacted, Does.Not.Contain("ACCESS-TOKEN-BODY"));
            Assert.That(redacted, Does.Not.Contain("BEGIN PRIVATE KEY"));
            Assert.That(redacted, Does.Contain("\"client_id\": \"abc\""));
            Assert.That(redacted, Does.Contain("\"n\": \"modulus\""), "public JWK members stay");
            Assert.That(redacted, Does.Contain("not-a-jwk-member"), "a 'd' outside a JWK is not a key");
            Assert.That(redacted, Does.Contain(Redactor.Mask));
        });
    }

    [Test]
    public void Body_FormWithClientSecret_MasksSecretKeepsAssertion()
    {
        // Arrange
        var body = $"grant_type=client_credentials&client_id=abc&client_secret={Secret}&client_assertion=eyJ.public.jws";

        // Act
        var redacted = Redactor.Body(body, "application/x-www-form-urlencoded");

        // Assert
        Assert.That(redacted, Is.EqualTo($"grant_type=client_credentials&client_id=abc&client_secret={Redactor.Mask}&client_assertion=eyJ.public.jws"));
    }

    [Test]
    public void Body_TextWithPemPrivateKey_MasksTheKeyOnly()
    {
        // Arrange
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = "before\n" + ec.ExportECPrivateKeyPem() + "\nafter";

        // Act
        var redacted = Redactor.Body(body, "text/plain");

        // Assert
        Assert.That(redacted, Is.EqualTo($"before\n-----BEGIN EC PRIVATE KEY-----{Redactor.Mask}-----END EC PRIVATE KEY-----\nafter"));
    }

    [TestCase("Authorization", "Bearer " + AccessToken, "Bearer eyJhbGci…" + Redactor.Mask)]
    [TestCase("Authorization", "Basic YWJjOnNlY3JldA==", "Basic " + Redactor.Mask)]
    [TestCase("Content-Type", "application/jose", "application/jose")]
    public void Header_Credentials_AreMasked(string name, string value, string expected)
    {
        // Arrange / Act
        var redacted = Redactor.Header(name, value);

        // Assert
        Assert.That(redacted, Is.EqualTo(expected));
    }

    [Test]
    public async Task ExchangeLoggingHandler_VerboseExchange_PrintsEverythingButSecrets()
    {
        // Arrange
        using var rsa = RSA.Create(2048);
        var responseBody = $$"""{"client_id":"abc","client_secret":"{{Secret}}","private_key_pem":{{System.Text.Json.JsonSerializer.Serialize(rsa.ExportPkcs8PrivateKeyPem())}}}""";
        var log = new StringWriter();
        using var handler = new ExchangeLoggingHandler(log, "CN=TPP")
        {
            InnerHandler = new StubHandler(HttpStatusCode.Created, responseBody),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bank.example/register")
        {
            Content = new StringContent($"client_id=abc&client_secret={Secret}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);

        // Act
        using var response = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        var text = log.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("> POST https://bank.example/register"));
            Assert.That(text, Does.Contain("> (TLS client certificate: CN=TPP)"));
            Assert.That(text, Does.Contain("< 201 Created"));
            Assert.That(text, Does.Contain("Content-Type: application/x-www-form-urlencoded"));
            Assert.That(text, Does.Contain("\"client_id\": \"abc\""));
            Assert.That(text, Does.Not.Contain(Secret));
            Assert.That(text, Does.Not.Contain("ACCESS-TOKEN-BODY"));
            Assert.That(text, Does.Not.Contain("BEGIN PRIVATE KEY-----\n"));
        });
    }

    private sealed class StubHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}
