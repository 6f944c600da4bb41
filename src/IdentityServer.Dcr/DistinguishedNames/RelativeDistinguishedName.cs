// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// A relative distinguished name (RDN): the set of attributes at one level of a <see cref="DistinguishedName"/>.
/// Usually one attribute (<c>CN=…</c>); several in a multi-valued RDN (<c>OU=a+CN=b</c>).
/// </summary>
/// <remarks>Compare whole names with <see cref="DistinguishedName.Matches"/>; an RDN has reference equality.</remarks>
public sealed class RelativeDistinguishedName
{
    /// <summary>Creates an RDN.</summary>
    /// <param name="attributes">The attributes, at least one, in the order written.</param>
    internal RelativeDistinguishedName(IEnumerable<DistinguishedNameAttribute> attributes)
    {
        Attributes = Array.AsReadOnly(attributes.ToArray());
    }

    /// <summary>Gets the attributes, in the order written or encoded.</summary>
    public IReadOnlyList<DistinguishedNameAttribute> Attributes { get; }

    /// <summary>Gets a value indicating whether the RDN has more than one attribute.</summary>
    public bool IsMultiValued => Attributes.Count > 1;

    /// <summary>Formats the RDN as RFC 4514 does, for example <c>OU=a+CN=b</c>.</summary>
    /// <returns>The string form.</returns>
    public override string ToString() => DistinguishedNameFormatter.Format(this);
}
