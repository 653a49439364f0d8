/*
 * Copyright (C) 2019 Square, Inc.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package okio

/**
 * A collection of bytes in memory.
 *
 * **Moving data from one buffer to another is fast.** Instead of copying bytes from one place in
 * memory to another, this class just changes ownership of the underlying byte arrays.
 *
 * **This buffer grows with your data.** Just like ArrayList, each buffer starts small. It consumes
 * only the memory it needs to.
 *
 * **This buffer pools its byte arrays.** When you allocate a byte array in Java, the runtime must
 * zero-fill the requested array before returning it to you. Even if you're going to write over that
 * space anyway. This class avoids zero-fill and GC churn by pooling byte arrays.
 */
expect class Buffer() : BufferedSource, BufferedSink {
  internal var head: Segment?

  var size: Long
    internal set

  /** Copy `byteCount` bytes from this, starting at `offset`, to `out`.  */
  fun copyTo(
    out: Buffer,
    offset: Long = 0L,
    byteCount: Long,
  ): Buffer

  /**
   * Overload of [copyTo] with byteCount = size - offset, work around for
   *  https://youtrack.jetbrains.com/issue/KT-30847
   */
  fun copyTo(
    out: Buffer,
    offset: Long = 0L,
  ): Buffer

  /**
   * Returns the number of bytes in segments that are not writable. This is the number of bytes that
   * can be flushed immediately to an underlying sink without harming throughput.
   */
  fun completeSegmentByteCount(): Long

  /** Returns the byte at `pos`. */
  operator fun get(pos: Long): Byte

  /**
   * Discards all bytes in this buffer. Calling this method when you're done with a buffer will
   * return its segments to the pool.
   */
  fun clear()

  /** Discards `byteCount` bytes from the head of this buffer.  */
  override fun skip(byteCount: Long)

  /**
   * Returns a tail segment that we can write at least `minimumCapacity`
   * bytes to, creating it if necessary.
   */
  internal fun writableSegment(minimumCapacity: Int): Segment

  fun md5(): ByteString

  fun sha1(): ByteString

  fun sha256(): ByteString

  fun sha512(): ByteString

  /** Returns the 160-bit SHA-1 HMAC of this buffer.  */
  fun hmacSha1(key: ByteString): ByteString

  /** Returns the 256-bit SHA-256 HMAC of this buffer.  */
  fun hmacSha256(key: ByteString): ByteString

  /** Returns the 512-bit SHA-512 HMAC of this buffer.  */
  fun hmacSha512(key: ByteString): ByteString

  /**
   * Returns a deep copy of this buffer. The returned [Buffer] initially shares the underlying
   * [ByteArray]s. See [UnsafeCursor] for more details.
   */
  fun copy(): Buffer

  /** Returns an immutable copy of this buffer as a byte string.  */
  fun snapshot(): ByteString

  /** Returns an immutable copy of the first `byteCount` bytes of this buffer as a byte string. */
  fun snapshot(byteCount: Int): ByteString

  fun readUnsafe(unsafeCursor: UnsafeCursor = UnsafeCursor()): UnsafeCursor

  fun readAndWriteUnsafe(unsafeCursor: UnsafeCursor = UnsafeCursor()): UnsafeCursor

  override val buffer: Buffer
  override fun close()
  override fun emit(): Buffer
  override fun emitCompleteSegments(): Buffer
  override fun exhausted(): Boolean
  override fun flush()
  override fun indexOf(b: Byte): Long
  override fun indexOf(b: Byte, fromIndex: Long): Long
  override fun indexOf(b: Byte, fromIndex: Long, toIndex: Long): Long
  override fun indexOf(bytes: ByteString): Long
  override fun indexOf(bytes: ByteString, fromIndex: Long): Long
  override fun indexOf(bytes: ByteString, fromIndex: Long, toIndex: Long): Long
  override fun indexOfElement(targetBytes: ByteString): Long
  override fun indexOfElement(targetBytes: ByteString, fromIndex: Long): Long
  override fun peek(): BufferedSource
  override fun rangeEquals(offset: Long, bytes: ByteString): Boolean
  override fun rangeEquals(offset: Long, bytes: ByteString, bytesOffset: Int, byteCount: Int): Boolean
  override fun read(sink: Buffer, byteCount: Long): Long
  override fun read(sink: ByteArray): Int
  override fun read(sink: ByteArray, offset: Int, byteCount: Int): Int
  override fun readAll(sink: Sink): Long
  override fun readByte(): Byte
  override fun readByteArray(): ByteArray
  override fun readByteArray(byteCount: Long): ByteArray
  override fun readByteString(): ByteString
  override fun readByteString(byteCount: Long): ByteString
  override fun readDecimalLong(): Long
  override fun readFully(sink: Buffer, byteCount: Long)
  override fun readFully(sink: ByteArray)
  override fun readHexadecimalUnsignedLong(): Long
  override fun readInt(): Int
  override fun readIntLe(): Int
  override fun readLong(): Long
  override fun readLongLe(): Long
  override fun readShort(): Short
  override fun readShortLe(): Short
  override fun readUtf8(): String
  override fun readUtf8(byteCount: Long): String
  override fun readUtf8CodePoint(): Int
  override fun readUtf8Line(): String?
  override fun readUtf8LineStrict(): String
