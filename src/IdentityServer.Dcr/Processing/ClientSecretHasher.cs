// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.Dcr.Processing;

/// <summary>
/// The default <see cref="IClientSecretHasher"/>: <c>sha256:</c> followed by the base64 SHA-256 digest of the UTF-8
/// secret, verified in constant time.
/// </summary>
public class ClientSecretHasher : IClientSecretHasher
{
    /// <summary>The prefix that names the algorithm of a stored hash.</summary>
    public const string Sha256Prefix = "sha256:";

    /// <inheritdoc />
    public virtual string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Sha256Prefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <inheritdoc />
    public virtual bool Verify(string secret, string? hash)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (hash is null || !hash.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));
    }
}
