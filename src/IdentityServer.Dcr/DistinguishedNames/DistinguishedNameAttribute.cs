// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>One attribute type and value (an X.501 <c>AttributeTypeAndValue</c>) of a distinguished name.</summary>
/// <remarks>
/// Record equality compares <see cref="Oid"/> and <see cref="Value"/> exactly (ordinal). To compare names as X.520
/// <c>caseIgnoreMatch</c> does, use <see cref="DistinguishedName.Matches"/>.
/// </remarks>
/// <param name="Oid">The dotted OID of the attribute type, for example <c>2.5.4.3</c> (see <see cref="DistinguishedNameAttributeTypes"/>).</param>
/// <param name="Value">
/// The value as written, with RFC 4514 escapes and quotes removed and <c>#hex</c> strings decoded; when
/// <see cref="IsBinary"/> is set, <c>#</c> and the uppercase hex of the BER encoding.
/// </param>
[SuppressMessage(
    "Naming",
    "CA1711:Identifiers should not have incorrect suffix",
    Justification = "An X.501 attribute (type and value), not a .NET attribute: the name is the term of the standard.")]
public sealed record DistinguishedNameAttribute(string Oid, string Value)
{
    /// <summary>
    /// Whether the value is not a character string (for example an <c>OCTET STRING</c>) and <see cref="Value"/> holds
    /// its BER encoding as <c>#</c> followed by uppercase hex. Default <see langword="false"/>.
    /// </summary>
    public bool IsBinary { get; init; }
}
