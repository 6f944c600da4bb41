// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Models;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>The operator's search of the registrations.</summary>
public partial class EntityFrameworkClientRegistrationStore
{
    /// <summary>
    /// Searches the registrations for an operator's list: those matching <paramref name="search"/>, newest first
    /// (by <see cref="ClientRegistration.ClientIdIssuedAt"/>, then client id), one page at a time, with the number of
    /// matches on every page.
    /// </summary>
    /// <remarks>
    /// Filtering, counting, ordering and paging run in the database (two queries: the count and the page), on both
    /// providers. The text is matched with <c>lower(column)</c> and a substring search, which no index serves: a
    /// search reads the whole table, which suits an operator's page of thousands of registrations. Only the page's
    /// software statement claims are read, for <see cref="DcrRegistrationSummary.SoftwareName"/> and
    /// <see cref="DcrRegistrationSummary.OrganisationName"/>.
    /// </remarks>
    /// <param name="search">The search.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The page, page size or text length is outside its bounds (see <see cref="DcrRegistrationSearch"/>).
    /// </exception>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    public virtual Task<DcrRegistrationSearchResult> SearchAsync(DcrRegistrationSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Page, 1, nameof(search));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Page, DcrRegistrationSearch.MaxPage, nameof(search));
        ArgumentOutOfRangeException.ThrowIfLessThan(search.PageSize, 1, nameof(search));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.PageSize, DcrRegistrationSearch.MaxPageSize, nameof(search));
        var text = string.IsNullOrWhiteSpace(search.Text) ? null : search.Text.Trim().ToLowerInvariant();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(text?.Length ?? 0, DcrRegistrationSearch.MaxTextLength, nameof(search));

        return ExecuteAsync(nameof(SearchAsync), async context =>
        {
            var rows = context.ClientRegistrations.AsNoTracking();
            if (text is not null)
            {
                // ToLower and Contains translate on both providers (lower(), strpos/instr); ToLowerInvariant does not.
#pragma warning disable CA1862, CA1304, CA1311 // Culture-less lower() is what the database runs; the text is lowered invariantly above.
                rows = rows.Where(e => e.ClientId.ToLower().Contains(text)
                    || e.SoftwareId.ToLower().Contains(text)
                    || e.OrganisationId.ToLower().Contains(text));
#pragma warning restore CA1862, CA1304, CA1311
            }

            rows = search.Status switch
            {
                DcrRegistrationStatusFilter.Enabled => rows.Where(e => e.DisabledAt == null),
                DcrRegistrationStatusFilter.Disabled => rows.Where(e => e.DisabledAt != null),
                _ => rows,
            };

            var total = await rows.CountAsync(ct).ConfigureAwait(false);
            var page = await rows
                .OrderByDescending(e => e.ClientIdIssuedAt).ThenBy(e => e.ClientId)
                .Skip((search.Page - 1) * search.PageSize).Take(search.PageSize)
                .Select(e => new
                {
                    e.ClientId,
                    e.SoftwareId,
                    e.OrganisationId,
                    e.SoftwareStatementIssuer,
                    e.TokenEndpointAuthMethod,
                    e.ClientIdIssuedAt,
                    e.UpdatedAt,
                    e.DisabledAt,
                    e.TransportCertificateThumbprint,
                    e.TransportCertificateSubject,
                    e.TransportCertificateNotAfter,
                    e.SoftwareStatementClaims,
                })
                .ToListAsync(ct).ConfigureAwait(false);

            return new DcrRegistrationSearchResult
            {
                TotalCount = total,
                Page = search.Page,
                PageSize = search.PageSize,
                Items = [.. page.Select(row =>
                {
                    var (softwareName, organisationName) = Names(row.SoftwareStatementClaims);
                    return new DcrRegistrationSummary
                    {
                        ClientId = row.ClientId,
                        SoftwareId = row.SoftwareId,
                        OrganisationId = row.OrganisationId,
                        SoftwareName = softwareName,
                        OrganisationName = organisationName,
                        SoftwareStatementIssuer = row.SoftwareStatementIssuer,
                        TokenEndpointAuthMethod = row.TokenEndpointAuthMethod,
                        ClientIdIssuedAt = row.ClientIdIssuedAt,
                        UpdatedAt = row.UpdatedAt,
                        DisabledAt = row.DisabledAt,
                        TransportCertificate = ToCertificate(
                            row.TransportCertificateThumbprint,
                            row.TransportCertificateSubject,
                            row.TransportCertificateNotAfter),
                    };
                })],
            };
        }, ct);
    }

    /// <summary>The SSA's <c>software_client_name</c> and <c>org_name</c>, when they are strings.</summary>
    private static (string? Software, string? Organisation) Names(string claims)
    {
        try
        {
            using var document = JsonDocument.Parse(claims);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (Text(document.RootElement, "software_client_name"), Text(document.RootElement, "org_name"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement claims, string name)
            => claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
