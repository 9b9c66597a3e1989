/**
 * Finding and aligning faces, as model pre-processing shared by trainer, evaluate and processor:
 * similarity-transform alignment to a descriptor's five-point template, landmark reduction. Pure:
 * imports only {@code java.*} and the pre-processing types, enforced by checkstyle import-control.
 */
package io.facegate.model.face;
