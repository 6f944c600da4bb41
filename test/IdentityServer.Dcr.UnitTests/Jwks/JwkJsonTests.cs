// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Jwks;
using Jose;

namespace IdentityServer.Dcr.UnitTests.Jwks;

[TestFixture]
public sealed class JwkJsonTests
{
    [Test]
    public void Of_SameKeyObject_WrittenOnceAndEqualToJoseOwnJson()
    {
        // Arrange
        using var rsa = RSA.Create(2048);
        var key = new Jwk(rsa, isPrivate: false) { KeyId = "k1", Use = "sig" };

        // Act
        var first = JwkJson.Of(key);
        var second = JwkJson.Of(key);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(first), JsonNode.Parse(key.ToJson(JWT.DefaultSettings.JsonMapper))), Is.True);
            Assert.That(JsonNode.Parse(first)!["kid"]!.GetValue<string>(), Is.EqualTo("k1"));
            Assert.That(JsonNode.Parse(first)!["d"], Is.Null, "a public key's JSON carries no private part");
        });
    }

    [Test]
    public void Of_AnotherKeyObject_HasItsOwnJson()
    {
        // Arrange
        using var rsa1 = RSA.Create(2048);
        using var rsa2 = RSA.Create(2048);

        // Act
        var one = JwkJson.Of(new Jwk(rsa1, isPrivate: false) { KeyId = "k1" });
        var two = JwkJson.Of(new Jwk(rsa2, isPrivate: false) { KeyId = "k2" });

        // Assert
        Assert.That(JsonNode.Parse(two)!["n"]!.GetValue<string>(), Is.Not.EqualTo(JsonNode.Parse(one)!["n"]!.GetValue<string>()));
    }
}
