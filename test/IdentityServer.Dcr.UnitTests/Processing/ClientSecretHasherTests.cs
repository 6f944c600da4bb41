// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using IdentityServer.Dcr.Processing;

namespace IdentityServer.Dcr.UnitTests.Processing;

[TestFixture]
public sealed class ClientSecretHasherTests
{
    private readonly ClientSecretHasher _hasher = new();

    [Test]
    public void Hash_Secret_IsSha256PrefixAndBase64Digest()
    {
        // Act
        var hash = _hasher.Hash("s3cret");

        // Assert
        Assert.That(hash, Is.EqualTo("sha256:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("s3cret")))));
    }

    [Test]
    public void Verify_SameSecret_IsTrue() => Assert.That(_hasher.Verify("s3cret", _hasher.Hash("s3cret")), Is.True);

    [TestCase("S3cret")]
    [TestCase("s3cret ")]
    [TestCase("")]
    public void Verify_OtherSecret_IsFalse(string presented) => Assert.That(_hasher.Verify(presented, _hasher.Hash("s3cret")), Is.False);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("s3cret")]
    [TestCase("md5:abc")]
    public void Verify_NoOrForeignHash_IsFalse(string? hash) => Assert.That(_hasher.Verify("s3cret", hash), Is.False);

    [Test]
    public void Hash_Null_Throws() => Assert.That(() => _hasher.Hash(null!), Throws.ArgumentNullException);
}
