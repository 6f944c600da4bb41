// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>
/// A JSON object being mutated by the fuzzer: a <see cref="JsonObject"/> for ordinary edits, raw members appended
/// as text (for values a serialiser will not write: lone surrogates, duplicate or escaped names, huge numbers,
/// deep nesting) and byte transforms applied last (BOM, invalid UTF-8, truncation, a whole other document).
/// </summary>
internal sealed class FuzzJsonDraft
{
    private readonly List<(string NameLiteral, string RawValue)> _raw = [];
    private readonly List<Func<byte[], byte[]>> _transforms = [];

    public FuzzJsonDraft(JsonObject value) => Object = value;

    public JsonObject Object { get; }

    public IEnumerable<string> Names => Object.Select(p => p.Key);

    /// <summary>Replaces member <paramref name="name"/> with raw JSON text.</summary>
    public void SetRaw(string name, string rawValue)
    {
        Object.Remove(name);
        var literal = Quote(name);
        _raw.RemoveAll(r => r.NameLiteral == literal);
        _raw.Add((literal, rawValue));
    }

    /// <summary>Appends a member whose name is given as a raw JSON string literal (so it may repeat or escape another).</summary>
    public void AddRawMember(string nameLiteral, string rawValue) => _raw.Add((nameLiteral, rawValue));

    public void Remove(string name)
    {
        Object.Remove(name);
        var literal = Quote(name);
        _raw.RemoveAll(r => r.NameLiteral == literal);
    }

    public void Transform(Func<byte[], byte[]> transform) => _transforms.Add(transform);

    public byte[] ToBytes()
    {
        var text = Object.ToJsonString();
        if (_raw.Count > 0)
        {
            var builder = new StringBuilder(text, 0, text.Length - 1, text.Length + 256);
            var first = Object.Count == 0;
            foreach (var (name, value) in _raw)
            {
                if (!first)
                {
                    builder.Append(',');
                }

                builder.Append(name).Append(':').Append(value);
                first = false;
            }

            text = builder.Append('}').ToString();
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var transform in _transforms)
        {
            bytes = transform(bytes);
        }

        return bytes;
    }

    /// <summary>A JSON string literal; every non-printable-ASCII UTF-16 unit is written as <c>\uXXXX</c>, lone surrogates included.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.Append('"').ToString();
    }
}
